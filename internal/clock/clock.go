// Package clock is credit's one source of "today" and "now". Domain code never
// calls time.Now: it asks a Clock, which --today (or CREDIT_TODAY) can fix for
// what-if queries and tests. The real time is always kept for the audit log.
package clock

import (
	"sync"
	"time"

	"credit/internal/civil"
)

// Zone is the office's time zone (SPEC §A: Asia/Shanghai), read from the
// system's zone files on first use, not at start-up: a command given
// --today never needs it.
var Zone = sync.OnceValue(loadZone)

func loadZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	// No tzdata on the machine: China has had no DST since 1991.
	return time.FixedZone("CST", 8*3600)
}

// Clock answers today's date (possibly fixed) and the real instant.
type Clock struct {
	fixed civil.Date
	now   func() time.Time
}

// Real is the office clock.
func Real() Clock { return Clock{now: time.Now} }

// Fixed is a clock whose today is d; Now stays real.
func Fixed(d civil.Date) Clock { return Clock{fixed: d, now: time.Now} }

// WithNow replaces the real-time source (tests).
func (c Clock) WithNow(now func() time.Time) Clock { c.now = now; return c }

// Today is the date asked for, or the real date in Asia/Shanghai.
func (c Clock) Today() civil.Date {
	if !c.fixed.IsZero() {
		return c.fixed
	}
	return c.RealToday()
}

// RealToday is the real date in Asia/Shanghai, whatever --today says.
func (c Clock) RealToday() civil.Date { return civil.Of(c.Now().In(Zone())) }

// Now is the real instant.
func (c Clock) Now() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

// IsFixed reports whether today was set by --today.
func (c Clock) IsFixed() bool { return !c.fixed.IsZero() }

// InFuture reports whether the asked-for today lies after the real date; such
// a clock may be used for what-if reads but never for changes (SPEC §A).
func (c Clock) InFuture() bool { return c.Today().After(c.RealToday()) }
