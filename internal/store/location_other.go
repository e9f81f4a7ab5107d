//go:build !linux

package store

func fsType(dir string) (string, bool) { return "", false }
