package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// writeTemp writes data to a file called name in a fresh temporary directory.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readResult is everything a reader produced for a file.
type readResult struct {
	header []string
	enc    string
	rows   []Row // cells cloned
}

// readAll opens path and reads every row; err is the first error.
func readAll(t testing.TB, path string, opt ReadOptions) (readResult, error) {
	t.Helper()
	src, err := Open(path, opt)
	if err != nil {
		return readResult{}, err
	}
	defer src.Close()
	res := readResult{header: src.Header(), enc: src.Encoding()}
	for {
		row, err := src.Next()
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		res.rows = append(res.rows, Row{Line: row.Line, Cells: slices.Clone(row.Cells)})
	}
}

func encodeGBK(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("GBK cannot encode %q: %v", s, err)
	}
	return b
}

func encodeGB18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("GB18030 cannot encode %q: %v", s, err)
	}
	return b
}

// wantFileError checks that err is a *FileError with the reason and line
// (line < 0: any) whose messages name the file and hold every word of want.
func wantFileError(t *testing.T, err error, path, reason string, line int, want ...string) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want *FileError %s", err, err, reason)
	}
	if fe.Reason != reason {
		t.Errorf("Reason = %q, want %q (%s)", fe.Reason, reason, fe.Zh)
	}
	if line >= 0 && fe.Line != line {
		t.Errorf("Line = %d, want %d (%s)", fe.Line, line, fe.Zh)
	}
	for _, msg := range []string{fe.Zh, fe.En} {
		if !strings.Contains(msg, path) {
			t.Errorf("message %q does not name the file %s", msg, path)
		}
	}
	for _, w := range want {
		if !strings.Contains(fe.Zh+fe.En, w) {
			t.Errorf("messages %q / %q lack %q", fe.Zh, fe.En, w)
		}
	}
	if fe.Error() != fe.Zh || fe.Message("en") != fe.En {
		t.Errorf("Error/Message do not give Zh/En")
	}
}

func TestOpenByExtension(t *testing.T) {
	csvData := []byte("名称,代码\n甲,1\n")
	jsonData := []byte(`{"名称":"甲","代码":"1"}` + "\n")
	for _, tc := range []struct {
		name   string
		data   []byte
		format Format
	}{
		{"a.csv", csvData, FormatCSV},
		{"a.CSV", csvData, FormatCSV},
		{"a.txt", csvData, FormatCSV},
		{"a.jsonl", jsonData, FormatJSONL},
		{"a.ndjson", jsonData, FormatJSONL},
		{"a.json", jsonData, FormatJSONL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Open(writeTemp(t, tc.name, tc.data), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Format() != tc.format {
				t.Errorf("Format = %q, want %q", src.Format(), tc.format)
			}
			if got := src.Header(); !slices.Equal(got, []string{"名称", "代码"}) {
				t.Errorf("Header = %q", got)
			}
		})
	}
	for _, name := range []string{"a.xls", "a.docx", "noext"} {
		path := writeTemp(t, name, csvData)
		_, err := Open(path, ReadOptions{})
		wantFileError(t, err, path, ReasonFormat, 0)
	}
	path := writeTemp(t, "old.xls", csvData)
	_, err := Open(path, ReadOptions{})
	wantFileError(t, err, path, ReasonFormat, 0, ".xlsx")

	if _, err := Open(filepath.Join(t.TempDir(), "missing.csv"), ReadOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want not exist", err)
	}
}

func TestFileHash(t *testing.T) {
	data := []byte("名称,代码\n甲,1\n")
	path := writeTemp(t, "a.csv", data)
	got, err := FileHash(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("FileHash = %s, want %s", got, want)
	}
	// Known answer: SHA-256 of the empty input (FIPS 180-4 test vectors).
	got, err = FileHash(writeTemp(t, "empty.csv", nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; got != want {
		t.Errorf("FileHash(empty) = %s, want %s", got, want)
	}
	if _, err := FileHash(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("FileHash of a missing file: no error")
	}
}

func TestTrimHeader(t *testing.T) {
	for in, want := range map[string]string{
		"名称":             "名称",
		" 名称 ":           "名称",
		"\uFEFF名称":       "名称",
		"\u3000名称\u3000": "名称",
		"\t处罚机关\r":       "处罚机关",
		"":               "",
	} {
		if got := trimHeader(in); got != want {
			t.Errorf("trimHeader(%q) = %q, want %q", in, got, want)
		}
	}
}
