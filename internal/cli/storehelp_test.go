package cli

import (
	"context"

	"credit/internal/civil"
	"credit/internal/store"
)

type storeTx = store.Tx

func openForTest(path string) (*store.Store, error) {
	return store.Open(context.Background(), path, store.Options{})
}

func storeActor() store.Actor {
	return store.Actor{Operator: "alice", Today: civil.MustParse("2025-12-01")}
}
