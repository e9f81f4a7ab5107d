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

// DefaultKeys are the bindings the TUI uses, their help in lang ("zh" or "en").
func DefaultKeys(lang string) Keys {
	b := func(keys []string, k, zh, en string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, tr(lang, zh, en)))
	}
	k := Keys{
		Quit:        b([]string{"q"}, "q", "返回/退出", "back/quit"),
		ForceQuit:   b([]string{"ctrl+c"}, "ctrl+c", "退出", "quit"),
		Help:        b([]string{"?"}, "?", "帮助", "help"),
		NextView:    b([]string{"tab"}, "tab", "下一视图", "next view"),
		PrevView:    b([]string{"shift+tab"}, "shift+tab", "上一视图", "previous view"),
		Refresh:     b([]string{"r"}, "r", "刷新", "refresh"),
		Up:          b([]string{"k", "up"}, "k/↑", "上移", "up"),
		Down:        b([]string{"j", "down"}, "j/↓", "下移", "down"),
		PageUp:      b([]string{"pgup", "ctrl+b"}, "pgup", "上一页", "page up"),
		PageDown:    b([]string{"pgdown", "ctrl+f", "space"}, "pgdn", "下一页", "page down"),
		Top:         b([]string{"g", "home"}, "g", "第一行", "first row"),
		Bottom:      b([]string{"G", "end"}, "G", "最后一行", "last row"),
		Open:        b([]string{"enter"}, "enter", "详情", "details"),
		Back:        b([]string{"esc"}, "esc", "返回", "back"),
		Filter:      b([]string{"/"}, "/", "过滤", "filter"),
		ClearFilter: b([]string{"esc"}, "esc", "清除过滤", "clear filter"),
		Sort:        b([]string{"s"}, "s", "排序", "sort"),
		Search:      b([]string{"/"}, "/", "查找", "search"),
		New:         b([]string{"n"}, "n", "新建", "new"),
		Act:         b([]string{"a"}, "a", "办理", "act"),
		Export:      b([]string{"e"}, "e", "导出", "export"),
		Choose:      b([]string{"enter"}, "enter", "选择", "choose"),
		FormNext:    b([]string{"enter", "tab"}, "enter", "下一项", "next field"),
		FormPrev:    b([]string{"shift+tab"}, "shift+tab", "上一项", "previous field"),
		FormCancel:  b([]string{"esc"}, "esc", "取消", "cancel"),
		ConfirmYes:  b([]string{"y"}, "y", "确认", "confirm"),
		ConfirmNo:   b([]string{"n"}, "n", "取消", "cancel"),
	}
	for i := range tabNames {
		n := string(rune('1' + i))
		k.Views = append(k.Views, b([]string{n}, n, tabNames[i][0], tabNames[i][1]))
	}
	return k
}
