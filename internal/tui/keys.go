package tui

import "charm.land/bubbles/v2/key"

// Keys are the TUI's key bindings. One key means one thing in every view
// (k9s, lazygit, gh-dash): the help bar and the ? overlay list the ones that
// work where the clerk is.
type Keys struct {
	Quit, ForceQuit, Help, NextView, PrevView, Refresh    key.Binding
	Up, Down, PageUp, PageDown, Top, Bottom               key.Binding
	Open, Back, Filter, ClearFilter, Sort, Search         key.Binding
	New, Act, Export, Choose                              key.Binding
	Views                                                 []key.Binding
	FormNext, FormPrev, FormCancel, ConfirmYes, ConfirmNo key.Binding
}

// DefaultKeys are the bindings the TUI uses.
func DefaultKeys() Keys {
	b := func(keys []string, k, help string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, help))
	}
	k := Keys{
		Quit:        b([]string{"q"}, "q", "返回/退出"),
		ForceQuit:   b([]string{"ctrl+c"}, "ctrl+c", "退出"),
		Help:        b([]string{"?"}, "?", "帮助"),
		NextView:    b([]string{"tab"}, "tab", "下一视图"),
		PrevView:    b([]string{"shift+tab"}, "shift+tab", "上一视图"),
		Refresh:     b([]string{"r"}, "r", "刷新"),
		Up:          b([]string{"k", "up"}, "k/↑", "上移"),
		Down:        b([]string{"j", "down"}, "j/↓", "下移"),
		PageUp:      b([]string{"pgup", "ctrl+b"}, "pgup", "上一页"),
		PageDown:    b([]string{"pgdown", "ctrl+f", "space"}, "pgdn", "下一页"),
		Top:         b([]string{"g", "home"}, "g", "第一行"),
		Bottom:      b([]string{"G", "end"}, "G", "最后一行"),
		Open:        b([]string{"enter"}, "enter", "详情"),
		Back:        b([]string{"esc"}, "esc", "返回"),
		Filter:      b([]string{"/"}, "/", "过滤"),
		ClearFilter: b([]string{"esc"}, "esc", "清除过滤"),
		Sort:        b([]string{"s"}, "s", "排序"),
		Search:      b([]string{"/"}, "/", "查找"),
		New:         b([]string{"n"}, "n", "新建"),
		Act:         b([]string{"a"}, "a", "办理"),
		Export:      b([]string{"e"}, "e", "导出"),
		Choose:      b([]string{"enter"}, "enter", "选择"),
		FormNext:    b([]string{"enter", "tab"}, "enter", "下一项"),
		FormPrev:    b([]string{"shift+tab"}, "shift+tab", "上一项"),
		FormCancel:  b([]string{"esc"}, "esc", "取消"),
		ConfirmYes:  b([]string{"y"}, "y", "确认"),
		ConfirmNo:   b([]string{"n"}, "n", "取消"),
	}
	for i, t := range tabNames {
		n := string(rune('1' + i))
		k.Views = append(k.Views, b([]string{n}, n, t))
	}
	return k
}
