package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
)

// outputFlags are the flags that name a file a command writes (docs/guide.md,
// 输出文件): -o/--output and import's --rejects.
var outputFlags = []string{"output", "rejects"}

// checkOutputs applies the one rule for every file a command writes, before
// any work is done (issue 16): the folder must exist (a usage error, exit 2,
// otherwise: nothing is read, stored or logged), the name must not be a
// folder, and an existing file is replaced only with --force. The file is
// then written to a temporary file in the same folder and renamed into
// place (tabular.WriteFileAtomic), so that a failed write leaves the old
// file, or none, and no temporary file.
func (a *App) checkOutputs(c *cobra.Command) error {
	for _, name := range outputFlags {
		f := c.Flags().Lookup(name)
		if f == nil || !f.Changed || f.Value.String() == "" {
			continue
		}
		if c.Annotations[outputIsFolder] == name {
			// The command writes a set of files into this folder (exchange
			// export), making it when missing.
			if err := checkOutputFolder("--"+name, f.Value.String()); err != nil {
				return err
			}
			continue
		}
		if err := checkOutputPath("--"+name, f.Value.String(), a.Force); err != nil {
			return err
		}
	}
	return nil
}

// checkOutputPath checks one output file name (see checkOutputs).
func checkOutputPath(flag, path string, force bool) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return apperr.Newf(apperr.Usage, "%s %s：目录 %s 不存在；请先建立目录或换一个位置（未做任何处理）",
			"%s %s: the folder %s does not exist; create it or choose another place (nothing was done)", flag, path, dir)
	case err != nil:
		return apperr.Wrap(err, apperr.Internal, "无法访问目录 "+dir, "cannot access the folder "+dir)
	case !st.IsDir():
		return apperr.Newf(apperr.Usage, "%s %s：%s 不是目录", "%s %s: %s is not a folder", flag, path, dir)
	}
	st, err = os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return apperr.Wrap(err, apperr.Internal, "无法访问 "+path, "cannot access "+path)
	case st.IsDir():
		return apperr.Newf(apperr.Usage, "%s %s 是一个目录，请给出文件名", "%s %s is a folder: give a file name", flag, path)
	case !force:
		return apperr.Newf(apperr.Usage, "%s 已存在：换一个文件名，或加 --force 覆盖（未做任何处理）",
			"%s exists: choose another name, or add --force to replace it (nothing was done)", path)
	}
	return nil
}

// outputIsFolder is the annotation by which a command says which of its
// output flags names a folder rather than a file.
const outputIsFolder = "credit/output-folder"

// checkOutputFolder: a folder the command makes when it is missing (with
// its parents), so only a path that is a file is refused.
func checkOutputFolder(flag, path string) error {
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return apperr.Newf(apperr.Usage, "%s %s 不是目录", "%s %s is not a folder", flag, path)
	}
	return nil
}
