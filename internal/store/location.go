package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// checkLocation warns about a store on a network filesystem (SQLite locking
// is not safe there, SPEC §6) and about permissions wider than the office's
// group (0660 for the file; the folder is created 0770).
func checkLocation(path string) []string {
	var w []string
	dir := filepath.Dir(path)
	if name, ok := fsType(dir); ok {
		w = append(w, fmt.Sprintf("警告：数据库 %s 位于网络文件系统（%s）上，SQLite 的文件锁在网络共享上不可靠，多人同时使用可能损坏数据；请把数据库放在本机磁盘上", path, name))
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o007 != 0 {
		w = append(w, fmt.Sprintf("警告：数据库 %s 的权限为 %04o，其他用户也可读写；请执行 chmod 660 %s", path, fi.Mode().Perm(), path))
	}
	return w
}
