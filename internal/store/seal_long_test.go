//go:build long

package store

func init() { fullTamperMatrix = true }
