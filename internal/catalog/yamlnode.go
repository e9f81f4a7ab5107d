package catalog

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// node is a YAML value with its line, reduced to what a catalog file may
// hold: mappings, sequences and scalars (anchors and aliases resolved).
type node struct {
	kind  nodeKind
	line  int
	value string  // scalar: the text as written (quotes removed, escapes resolved)
	keys  []entry // mapping, in file order
	items []*node // sequence
}

type nodeKind int

const (
	nullNode nodeKind = iota
	scalarNode
	mapNode
	seqNode
)

type entry struct {
	key  string
	line int
	val  *node
}

func (k nodeKind) label(lang string) string {
	zh, en := map[nodeKind]string{nullNode: "空值", scalarNode: "单个值", mapNode: "键值映射", seqNode: "列表"}[k],
		map[nodeKind]string{nullNode: "an empty value", scalarNode: "a single value", mapNode: "a mapping", seqNode: "a list"}[k]
	if lang == "en" {
		return en
	}
	return zh
}

// yamlError is a syntax error with its line.
type yamlError struct {
	line int
	msg  string
}

// parseYAML turns the text into a node tree, or the first syntax error.
func parseYAML(data []byte) (*node, *yamlError) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
			return nil, &yamlError{line: se.Token.Position.Line, msg: se.Message}
		}
		return nil, &yamlError{line: 1, msg: err.Error()}
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return &node{kind: nullNode, line: 1}, nil
	}
	if len(f.Docs) > 1 {
		return nil, &yamlError{line: lineOf(f.Docs[1].Body, 1), msg: "more than one YAML document (---) in the file"}
	}
	c := converter{anchors: map[string]*node{}}
	n := c.convert(f.Docs[0].Body, 1)
	if c.err != nil {
		return nil, c.err
	}
	return n, nil
}

func lineOf(n ast.Node, def int) int {
	if n == nil {
		return def
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return def
}

type converter struct {
	anchors map[string]*node
	err     *yamlError
}

func (c *converter) fail(line int, format string, args ...any) *node {
	if c.err == nil {
		c.err = &yamlError{line: line, msg: fmt.Sprintf(format, args...)}
	}
	return &node{kind: nullNode, line: line}
}

func (c *converter) convert(n ast.Node, parentLine int) *node {
	line := lineOf(n, parentLine)
	switch v := n.(type) {
	case nil:
		return &node{kind: nullNode, line: parentLine}
	case *ast.NullNode:
		return &node{kind: nullNode, line: line}
	case *ast.StringNode:
		return &node{kind: scalarNode, line: line, value: v.Value}
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &node{kind: scalarNode, line: line, value: s}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return &node{kind: scalarNode, line: line, value: n.GetToken().Value}
	case *ast.MappingNode:
		m := &node{kind: mapNode, line: line}
		for _, mv := range v.Values {
			c.addEntry(m, mv)
		}
		if len(v.Values) > 0 {
			m.line = lineOf(v.Values[0].Key, line)
		}
		return m
	case *ast.MappingValueNode:
		m := &node{kind: mapNode, line: lineOf(v.Key, line)}
		c.addEntry(m, v)
		return m
	case *ast.SequenceNode:
		s := &node{kind: seqNode, line: line}
		for _, e := range v.Values {
			s.items = append(s.items, c.convert(e, line))
		}
		return s
	case *ast.AnchorNode:
		val := c.convert(v.Value, line)
		if v.Name != nil {
			c.anchors[v.Name.String()] = val
		}
		return val
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.String()
		}
		if a, ok := c.anchors[name]; ok {
			return a
		}
		return c.fail(line, "alias *%s names no anchor defined before it", name)
	case *ast.TagNode:
		return c.convert(v.Value, line)
	}
	return c.fail(line, "unsupported YAML construct (%s)", n.Type())
}

func (c *converter) addEntry(m *node, mv *ast.MappingValueNode) {
	kl := lineOf(mv.Key, m.line)
	if mv.Key != nil && mv.Key.IsMergeKey() {
		c.fail(kl, "merge keys (<<) are not supported in a catalog file")
		return
	}
	k := c.convert(mv.Key, kl)
	if k.kind != scalarNode {
		c.fail(kl, "a mapping key must be a single value")
		return
	}
	m.keys = append(m.keys, entry{key: k.value, line: kl, val: c.convert(mv.Value, kl)})
}
