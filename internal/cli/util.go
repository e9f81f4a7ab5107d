package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"syscall"
	"time"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/clock"
)

func itoa(n int) string { return strconv.Itoa(n) }

// localTime shows a stored real time (RFC 3339, UTC) in the office's time
// zone, to the second, for people; JSON keeps the stored form.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(clock.Zone()).Format("2006-01-02 15:04:05")
}

// officeDayBounds turns office dates (Asia/Shanghai) into the UTC bounds of
// the stored real times: [from 00:00, the day after to 00:00).
func officeDayBounds(flagFrom, from, flagTo, to string) (string, string, error) {
	conv := func(flag, v string, next bool) (string, error) {
		if v == "" {
			return "", nil
		}
		d, err := civil.Parse(v)
		if err != nil {
			return "", apperr.Newf(apperr.Usage, "--%s %q 无效：应为 YYYY-MM-DD 的真实日期", "--%s %q is not valid: use a real YYYY-MM-DD date", flag, v)
		}
		if next {
			d = d.AddDays(1)
		}
		t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, clock.Zone()).UTC()
		return t.Format("2006-01-02T15:04:05"), nil
	}
	f, err := conv(flagFrom, from, false)
	if err != nil {
		return "", "", err
	}
	t, err := conv(flagTo, to, true)
	return f, t, err
}

// checkInput is the one rule for every command that reads a file (SPEC
// amendment of 2026-12, docs/guide.md): a path that does not exist, a
// directory, a FIFO or another file that is not a regular file is a usage
// error (exit 2); a file that exists but cannot be read (permissions, I/O)
// is exit 1. Both are one line naming the file and what to do. It is run
// before any work, so nothing is stored.
func checkInput(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return apperr.Newf(apperr.Usage, "找不到文件 %s：请检查路径", "no such file %s: check the path", path)
	case err != nil:
		return apperr.Wrap(err, apperr.Internal, "无法读取文件 "+path+"（"+ioReason(err, "zh")+"）：请检查文件和所在文件夹的权限",
			"cannot read the file "+path+" ("+ioReason(err, "en")+"): check the permissions of the file and its folder")
	case fi.IsDir():
		return apperr.Newf(apperr.Usage, "%s 是文件夹，不是文件：请给出文件的路径", "%s is a folder, not a file: give the path of a file", path)
	case !fi.Mode().IsRegular():
		// A FIFO would block the read, a device could be endless.
		return apperr.Newf(apperr.Usage, "%s 不是普通文件（管道、设备或套接字）：请先把内容保存为文件", "%s is not a regular file (a pipe, device or socket): save the content to a file first", path)
	}
	f, err := os.Open(path)
	if err == nil {
		_, err = f.Read(make([]byte, 1))
		f.Close()
		if err == io.EOF {
			err = nil
		}
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "无法读取文件 "+path+"（"+ioReason(err, "zh")+"）：请检查文件的权限，或把文件复制到本机磁盘后重试",
			"cannot read the file "+path+" ("+ioReason(err, "en")+"): check its permissions, or copy it to a local disk and try again")
	}
	return nil
}

// ioReason names an I/O failure briefly, without the path again.
func ioReason(err error, lang string) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		if lang == "en" {
			return "permission denied"
		}
		return "没有读取权限"
	case errors.Is(err, syscall.EIO):
		if lang == "en" {
			return "input/output error"
		}
		return "读取出错（I/O 错误）"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
