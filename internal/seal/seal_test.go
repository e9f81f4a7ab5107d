package seal

import (
	"encoding/hex"
	"testing"
)

// TestRowAndLinkKnownAnswers: the seal of a row and of its link, for the
// input layout documented in Row and Link (tag byte; strings and blobs
// length-prefixed with a uvarint; integers and floats as 8 bytes big-endian),
// against HMAC-SHA256 computed independently (Python's hmac module:
// hmac.new(key, msg, sha256).hexdigest()[:32]). A change of the layout would
// make every stored seal fail to verify.
func TestRowAndLinkKnownAnswers(t *testing.T) {
	k := FromBytes([]byte("0123456789abcdef0123456789abcdef"))
	mac, err := k.Row("users", 7, []any{int64(42), "张三", nil, []byte{1, 2}, float64(1.5)})
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(mac); got != "028a65d90a6f9f327b427d4f882d6bf8" {
		t.Fatalf("row seal %s", got)
	}
	if got := hex.EncodeToString(k.Link("users", 7, 3)); got != "0448f9b45cdc9df36d02ad3bc66a99f5" {
		t.Fatalf("link seal %s", got)
	}
}
