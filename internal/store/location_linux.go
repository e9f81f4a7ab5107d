//go:build linux

package store

import "syscall"

// Filesystem magic numbers (statfs f_type) of network filesystems, where
// SQLite's locks are unreliable and a shared store can be corrupted.
var networkFS = map[int64]string{
	0x6969:     "NFS",
	0x517B:     "SMB",
	0xFF534D42: "CIFS",
	0xFE534D42: "SMB2",
	0x65735546: "FUSE",
	0x01021997: "9P",
	0x47504653: "GPFS",
	0x73757245: "Coda",
	0x564C:     "NCP",
	0x6B414653: "AFS",
	0x5346414F: "AFS",
	0x19830326: "FhGFS",
	0x0BD00BD0: "Lustre",
	0x013111A8: "IBRIX",
	0xBACBACBC: "VMware HGFS",
}

func fsType(dir string) (string, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "", false
	}
	name, ok := networkFS[int64(st.Type)]
	return name, ok
}
