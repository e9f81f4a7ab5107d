package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"credit/internal/apperr"
	"credit/internal/ingest"
	"credit/internal/operator"
	"credit/internal/store"
)

// The 归集 view: import batches, newest first → a batch's rejected rows with
// their reasons → one rejected row with its cells (what `credit batch list`,
// `batch show` and `batch rejects` print); e there writes the reject report
// a department fixes and resubmits, as `credit batch rejects N -o F.csv`.
type batches struct {
	list    []store.BatchInfo
	l       list
	filter  filterBox
	ready   bool
	batch   *store.BatchInfo
	rejects []store.Reject
	rl      list
	row     *store.Reject
	page    pager
}

func newBatches(lang string) *batches {
	t := func(zh, en string) string { return tr(lang, zh, en) }
	b := &batches{}
	b.l.cols = []column{
		{title: t("批次", "Batch"), width: 5, right: true}, {title: t("业务日期", "Date"), width: 10}, {title: t("提供单位", "Provider"), width: 18, optional: true, drop: 2},
		{title: t("信息项", "Item"), width: 6}, {title: t("状态", "State"), width: 9}, {title: t("读取", "Read"), width: 7, right: true}, {title: t("新增", "Added"), width: 7, right: true},
		{title: t("修订", "Revised"), width: 5, right: true, optional: true}, {title: t("重复", "Dup."), width: 5, right: true, optional: true},
		{title: t("拒收", "Rej."), width: 5, right: true}, {title: t("文件", "File"), min: 20},
	}
	if lang == "en" {
		b.l.cols[7].width = 7 // Revised
	} else {
		b.l.cols[4].width = 6 // 暂存中
	}

	b.rl.cols = []column{{title: t("行号", "Row"), width: 6, right: true}, {title: t("错误字段", "Fields"), min: 16},
		{title: t("原因代码", "Reason code"), width: 18, optional: true}, {title: t("错误原因", "Reason"), min: 30}}
	return b
}

func (m *Model) batchStateLabel(s string) string {
	switch s {
	case "staging":
		return m.T("暂存中", "staging")
	case "published":
		return m.T("已发布", "published")
	case "discarded":
		return m.T("已丢弃", "discarded")
	}
	return s
}

// reasonLabel is an import reject reason for people: its Chinese name, or
// in English its code (the code is the contract, docs/import.md).
func (m *Model) reasonLabel(code string) string {
	if m.en() {
		return code
	}
	return ingest.ReasonLabel(code)
}

func (b *batches) load(m *Model) tea.Cmd {
	open := b.batch
	cmd := m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		bs, err := m.svc.Store.Batches(ctx, store.BatchFilter{Limit: 0})
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			b.list, b.ready = bs, true
			keys := make([]string, len(bs))
			for i, x := range bs {
				keys[i] = strings.ToLower(strings.Join([]string{strconv.FormatInt(x.ID, 10), x.Today, x.Provider, x.Item, m.batchStateLabel(x.State), x.FileName}, "\x00"))
			}
			b.l.setRows(keys)
			return nil
		}, nil
	})
	if open != nil {
		return tea.Batch(cmd, b.openBatch(m, open.ID))
	}
	return cmd
}

func (b *batches) openBatch(m *Model, id int64) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		bi, ok, err := m.svc.Store.Batch(ctx, id)
		if err != nil || !ok {
			return nil, err
		}
		// Rejected rows hold the provider's cells (names, ID numbers): clerk and above.
		if err := m.svc.Op.Require(operator.Clerk); err != nil {
			return nil, err
		}
		rs, err := m.svc.Store.Rejects(ctx, id)
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			if b.batch == nil || b.batch.ID != id {
				b.rl.cursor, b.rl.offset = 0, 0
			}
			b.batch, b.rejects = &bi, rs
			keys := make([]string, len(rs))
			for i, r := range rs {
				keys[i] = strings.ToLower(strings.Join([]string{strconv.Itoa(r.Line), r.Fields, r.Reasons, r.Message}, "\x00"))
			}
			b.rl.setRows(keys)
			return nil
		}, nil
	})
}

func (b *batches) typing() bool { return b.filter.active }

func (b *batches) back(m *Model) bool {
	switch {
	case b.row != nil:
		b.row = nil
	case b.batch != nil:
		b.batch, b.rejects = nil, nil
		b.rl.setFilter("")
	default:
		return false
	}
	return true
}

func (b *batches) cur() *list {
	if b.batch != nil {
		return &b.rl
	}
	return &b.l
}

func (b *batches) key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	if b.filter.active {
		if changed, _ := b.filter.key(k); changed {
			b.cur().setFilter(b.filter.text)
		}
		return nil, true
	}
	if b.batch != nil && key.Matches(k, keyExportRejects(m)) {
		return b.exportRejects(m, b.batch.ID), true
	}
	if b.row != nil {
		return nil, m.scrollKey(&b.page, k)
	}
	l := b.cur()
	switch {
	case m.moveKey(l, k):
		return nil, true
	case key.Matches(k, m.keys.Filter):
		b.filter.active, b.filter.text = true, l.filter
		return nil, true
	case key.Matches(k, m.keys.ClearFilter) && l.filter != "":
		b.filter.text = ""
		l.setFilter("")
		return nil, true
	case key.Matches(k, m.keys.Open):
		if b.batch == nil {
			if i := b.l.current(); i >= 0 {
				return b.openBatch(m, b.list[i].ID), true
			}
			return nil, true
		}
		if i := b.rl.current(); i >= 0 {
			r := b.rejects[i]
			b.row = &r
			b.page.offset = 0
		}
		return nil, true
	}
	return nil, false
}

func (b *batches) keys(m *Model) []key.Binding {
	if b.filter.active {
		return []key.Binding{m.keepFilter(), m.keys.ClearFilter}
	}
	if b.row != nil {
		return []key.Binding{keyExportRejects(m), m.keys.Down, m.keys.Up, m.keys.Back}
	}
	if b.batch == nil {
		return append(m.listKeys(), m.keys.Refresh)
	}
	bs := []key.Binding{m.keys.Open, keyExportRejects(m), m.keys.Filter}
	return append(append(bs, m.navKeys()...), m.keys.Refresh, m.keys.Back)
}

// keyExportRejects writes the open batch's reject report (e: 导出).
func keyExportRejects(m *Model) key.Binding {
	return m.bind([]string{"e"}, "e", "导出拒收报告", "export the reject report")
}

// exportRejects writes batch id's reject report into the current folder as
// 拒收_批次N_YYYYMMDD.csv (the office date; -2, -3… rather than overwrite a
// file): ingest.WriteRejectsCSV, exactly what `credit batch rejects N -o
// FILE.csv` writes — the provider's columns plus 错误字段 and 错误原因, UTF-8
// with a BOM — with the same clerk check.
func (b *batches) exportRejects(m *Model, id int64) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		bi, ok, err := m.svc.Store.Batch(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Newf(apperr.Usage, "没有批次 %d", "no batch %d", id)
		}
		// Rejected rows are the provider's cells as typed: office staff only.
		if err := m.svc.Op.Require(operator.Clerk); err != nil {
			return nil, err
		}
		rs, err := m.svc.Store.Rejects(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(rs) == 0 {
			return func(m *Model) tea.Cmd {
				m.say(m.T(fmt.Sprintf("批次 %d 没有拒收行，无需导出。", id), fmt.Sprintf("Batch %d has no rejected row: nothing to export.", id)))
				return nil
			}, nil
		}
		d := m.svc.Today
		path, err := reserveFile(fmt.Sprintf(m.T("拒收_批次%d_%04d%02d%02d", "rejects_batch%d_%04d%02d%02d"), id, d.Year, int(d.Month), d.Day), ".csv")
		if err != nil {
			return nil, err
		}
		if err := ingest.WriteRejectsCSV(path, bi.Header, rs); err != nil {
			os.Remove(path)
			return nil, apperr.Wrap(err, apperr.Internal, "无法写入 "+path, "cannot write "+path)
		}
		return func(m *Model) tea.Cmd {
			m.say(m.T(fmt.Sprintf("已写入 %s（批次 %d 的拒收报告：%d 行，原列加错误字段、错误原因；提供单位改正后可原样重报）", path, id, len(rs)),
				fmt.Sprintf("Wrote %s (batch %d's reject report: %d rows, the provider's columns plus the fields and reasons; corrected, it can be sent again as it is)", path, id, len(rs))))
			return nil
		}, nil
	})
}

// reserveFile makes an empty file name+ext in the current folder, or
// name-2+ext, name-3+ext… when it is taken, and returns its absolute path:
// the export then replaces it, and never anyone else's file.
func reserveFile(name, ext string) (string, error) {
	for n := 1; n < 1000; n++ {
		p := name + ext
		if n > 1 {
			p = fmt.Sprintf("%s-%d%s", name, n, ext)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", apperr.Wrap(err, apperr.Internal, "无法写入 "+abs, "cannot write "+abs)
		}
		if err := f.Close(); err != nil {
			os.Remove(abs)
			return "", apperr.Wrap(err, apperr.Internal, "无法写入 "+abs, "cannot write "+abs)
		}
		return abs, nil
	}
	return "", apperr.Newf(apperr.Internal, "当前目录下已有太多 %s-N%s 文件", "too many %s-N%s files in the current folder", name, ext)
}

func (b *batches) crumb(m *Model) string {
	switch {
	case b.row != nil:
		return m.T(fmt.Sprintf("归集 › 批次 %d › 第 %d 行", b.batch.ID, b.row.Line), fmt.Sprintf("Batches › batch %d › row %d", b.batch.ID, b.row.Line))
	case b.batch != nil:
		c := m.T(fmt.Sprintf("归集 › 批次 %d 的拒收行 · %s", b.batch.ID, b.rl.position()), fmt.Sprintf("Batches › batch %d's rejected rows · %s", b.batch.ID, b.rl.position()))
		if b.filter.active || b.rl.filter != "" {
			c += " · " + b.filter.view(m.T("过滤：", "filter: "))
		}
		return c
	}
	c := m.T("归集批次（新的在前） · ", "Import batches (newest first) · ") + b.l.position()
	if b.filter.active || b.l.filter != "" {
		c += " · " + b.filter.view(m.T("过滤：", "filter: "))
	}
	return c
}

func (b *batches) body(m *Model, w, h int) []string {
	s := m.st
	switch {
	case !b.ready:
		return []string{"", m.T("  正在读取…", "  Reading…")}
	case b.row != nil:
		return b.page.renderSet(b.rowLines(m, w), h)
	case b.batch != nil:
		head := b.summary(m, w)
		return append(head, b.rl.render(s, w, h-len(head), func(i int) []string {
			r := b.rejects[i]
			return []string{strconv.Itoa(r.Line), r.Fields, r.Reasons, r.Message}
		}, nil)...)
	}
	return b.l.render(s, w, h, func(i int) []string {
		x := b.list[i]
		return []string{strconv.FormatInt(x.ID, 10), x.Today, x.Provider, x.Item, m.batchStateLabel(x.State), strconv.Itoa(x.Rows),
			strconv.Itoa(x.Accepted), strconv.Itoa(x.Revised), strconv.Itoa(x.Duplicates), strconv.Itoa(x.Rejected), x.FileName}
	}, func(i, col int) (lipgloss.Style, bool) {
		if col == 9 && b.list[i].Rejected > 0 {
			return s.Warn, true
		}
		return lipgloss.Style{}, false
	})
}

// summary is the batch's head: file, counts, and rejects per reason.
func (b *batches) summary(m *Model, w int) []string {
	x := b.batch
	var reasons []string
	for r, n := range x.Reasons {
		reasons = append(reasons, fmt.Sprintf("%s %d", m.reasonLabel(r), n))
	}
	sort.Strings(reasons)
	out := kv(m.st, [][2]string{
		{m.T("文件", "File"), m.T(fmt.Sprintf("%s（%s %s）", x.FileName, x.Format, x.Encoding), fmt.Sprintf("%s (%s %s)", x.FileName, x.Format, x.Encoding))},
		{m.T("提供单位 · 信息项", "Provider · item"), x.Provider + " · " + x.Item + " · " + m.batchStateLabel(x.State)},
		{m.T("读取/新增/修订/重复/拒收", "Read/added/revised/dup./rejected"), fmt.Sprintf("%d / %d / %d / %d / %d", x.Rows, x.Accepted, x.Revised, x.Duplicates, x.Rejected)},
		{m.T("拒收原因", "Reject reasons"), strings.Join(reasons, m.T("；", "; "))},
	}, w)
	if len(b.rejects) == 0 {
		out = append(out, m.T("  本批次没有拒收行。", "  This batch has no rejected row."))
	}
	return append(out, "")
}

// rowLines shows one rejected row: its reasons and every cell by column.
func (b *batches) rowLines(m *Model, w int) []string {
	r := b.row
	out := append([]string{""}, kv(m.st, [][2]string{
		{m.T("行号", "Row"), strconv.Itoa(r.Line)}, {m.T("错误字段", "Fields"), r.Fields}, {m.T("原因代码", "Reason codes"), r.Reasons}, {m.T("错误原因", "Reason"), r.Message},
	}, w)...)
	out = append(out, "", m.st.Title.Render(m.T("  原始内容", "  As sent")))
	var rows [][]string
	for i, c := range r.Cells {
		name := fmt.Sprintf(m.T("第 %d 列", "column %d"), i+1)
		if i < len(b.batch.Header) {
			name = b.batch.Header[i]
		}
		if c == "" {
			continue
		}
		rows = append(rows, []string{name, c})
	}
	return append(out, grid(m.st, []string{m.T("列", "Column"), m.T("内容", "Value")}, rows, w)...)

}

// renderSet sets the page's lines and draws h of them.
func (p *pager) renderSet(lines []string, h int) []string {
	p.set(lines)
	return p.render(h)
}
