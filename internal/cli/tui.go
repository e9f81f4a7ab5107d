package cli

import (
	"context"

	"github.com/spf13/cobra"

	tea "charm.land/bubbletea/v2"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/store"
	"credit/internal/tui"
)

func init() { registerNoun("tui", newTUICmd) }

func newTUICmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "tui",
		Short: "终端界面：查档案、办异议和修复、看归集批次 / the terminal UI for the office's daily work",
		Long: `经办人员的终端界面：概览（今天、各队列的超期和即将到期数、考核灯、最近的批次）、档案（按名称或代码查询，工作机构内部范围）、
异议和信用修复队列（按到期日排序，详情、期限和经过，逐步办理）、归集批次和拒收行、红黑名单与联合奖惩案例（信用审查、
记录案例）、报表（选择月份导出月报）。
数字键 1–7 或 tab 切换视图，? 查看本视图的按键，q 返回或退出，ctrl+c 随时退出。每一步办理都先填表、再确认
（显示将设定的期限），以当前登录的操作员身份办理并记入审计日志，与命令行完全相同。设置 NO_COLOR 时不用颜色。

The clerk's terminal UI: overview, archives (office scope), the objection and repair queues with every
step, import batches and rejected rows, lists and cases (credit check, record a case), monthly reports. Keys 1–7 or tab switch views, ? lists the keys, q goes back or
quits. Every change is a form, then a confirmation showing the deadline it sets, made as the logged-in
operator and audited exactly as on the command line.`,
		Example: example("credit tui", "NO_COLOR=1 credit tui --today 2025-12-01   # 无颜色；以该日为今天 / no colour, a past office date"),
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !app.IsTTY() {
				return apperr.New(apperr.Usage, "credit tui 需要在终端中运行（标准输出不是终端）", "credit tui needs a terminal (stdout is not one)")
			}
			svc, err := tuiServices(app)
			if err != nil {
				return err
			}
			m := tui.New(svc, tui.Options{Color: app.Getenv("NO_COLOR") == "", Animate: true})
			p := tea.NewProgram(m, tea.WithContext(app.Ctx()), tea.WithInput(app.In), tea.WithOutput(app.Out))
			if _, err := p.Run(); err != nil {
				return apperr.Wrap(err, apperr.Internal, "终端界面出错："+err.Error(), "terminal UI failed: "+err.Error())
			}
			return nil
		},
	}
}

// tuiServices wires the TUI to the same store, calendar, clock and operator
// as every other command; changes go through queueEnv and lookups through
// the office scope exactly as `credit objection …` and `credit subject show
// --scope office` do.
func tuiServices(app *App) (tui.Services, error) {
	st, err := app.Store()
	if err != nil {
		return tui.Services{}, err
	}
	op, err := app.Require(operator.Viewer)
	if err != nil {
		return tui.Services{}, err
	}
	cal, err := app.Calendar()
	if err != nil {
		return tui.Services{}, err
	}
	return tui.Services{
		Store: st, Cal: cal, Today: app.Today(), Op: op, Lang: app.Lang,
		Env: func(role operator.Role) (queue.Env, error) { return app.queueEnv(role) },
		Office: func(purpose string) (*archive.Access, store.Actor, error) {
			_, acc, actor, err := scopeOpts{purpose: purpose}.access(app, archive.Office)
			return acc, actor, err
		},
		Reader: func() (store.Actor, error) {
			op, err := app.Require(operator.Viewer)
			return app.Actor(op), err
		},
	}, nil
}

// TUIServices wires the TUI exactly as `credit tui --db DB --today TODAY`
// does, for tests that drive the TUI model without a terminal; done closes
// the store.
func TUIServices(io IO, db, today string) (svc tui.Services, done func(), err error) {
	if io.Getenv == nil {
		io.Getenv = func(string) string { return "" }
	}
	app := &App{IO: io, ctx: context.Background(), DBPath: db, TodayFlag: today}
	if err := app.setup(); err != nil {
		return tui.Services{}, nil, err
	}
	if svc, err = tuiServices(app); err != nil {
		app.close()
		return tui.Services{}, nil, err
	}
	return svc, app.close, nil
}
