package exchange

import (
	"os"
	"path/filepath"

	"credit/internal/diskfault"
)

// ManifestName is the manifest's file name in the output folder.
const ManifestName = "manifest.json"

// Write puts run's files and manifest into dir so that a crash at any
// moment leaves no half-written file under a final name: every file is
// written and fsynced in a temporary folder inside dir, then renamed into
// place, the manifest last, and dir fsynced. The caller records the run
// (consuming its sequence number) only after Write returns: a crash before
// that leaves files whose sequence the next export takes again (and writes
// again, byte for byte, when nothing changed meanwhile), never a sequence
// without files (docs/exchange.md §5). pause, when set, is called at
// "written" (all files in the temporary folder) and "renamed" (all in
// place, not yet recorded): the crash test kills the process there.
func Write(dir string, run *Run, pause func(stage string)) error {
	if err := os.MkdirAll(dir, 0o770); err != nil {
		return err
	}
	// A temporary folder left by a killed export holds nothing recorded.
	if old, err := filepath.Glob(filepath.Join(dir, ".exchange-*")); err == nil {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	tmp, err := os.MkdirTemp(dir, ".exchange-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	type out struct {
		name string
		data []byte
	}
	var outs []out
	for _, f := range run.Files {
		outs = append(outs, out{f.Name, f.Data})
	}
	outs = append(outs, out{ManifestName, run.Manifest})
	for _, o := range outs {
		if err := writeSynced(filepath.Join(tmp, o.name), o.data); err != nil {
			return err
		}
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	if pause != nil {
		pause("written")
	}
	for _, o := range outs {
		if err := os.Rename(filepath.Join(tmp, o.name), filepath.Join(dir, o.name)); err != nil {
			return err
		}
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	if pause != nil {
		pause("renamed")
	}
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	// The test hook for a full disk (internal/diskfault): the file is cut
	// short and the write fails as ENOSPC would; Write's temporary folder
	// is then removed, so nothing is left under a final name.
	if err := diskfault.Check(path); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
