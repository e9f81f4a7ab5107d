package serve

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestServeDocsEveryConfigKey: docs/serve.md documents every key of the
// config file (issue 18: "docs/serve.md documents every key").
func TestServeDocsEveryConfigKey(t *testing.T) {
	doc, err := os.ReadFile("../../docs/serve.md")
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		if !strings.Contains(string(doc), "| `"+key+"`") && !strings.Contains(string(doc), "`"+key+"`, `") && !strings.Contains(string(doc), ", `"+key+"` |") {
			t.Errorf("config key %s is not in the key table of docs/serve.md", key)
		}
	}
}
