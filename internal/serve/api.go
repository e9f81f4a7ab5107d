package serve

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/catalog"
	"credit/internal/clock"
	"credit/internal/operator"
	"credit/internal/sanction"
	"credit/internal/store"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI is the API's OpenAPI 3 document (GET /api/v1/openapi.json).
func OpenAPI() []byte { return openAPI }

// MaxCheckCodes is how many codes one POST /api/v1/checks may carry.
const MaxCheckCodes = 1000

// API is the HTTP JSON API for user units (第二十条). Every answer about a
// subject is logged in the query log exactly as the CLI's lookups are, with
// the unit, the token, the purpose and the records returned.
type API struct {
	Store *store.Store
	Clock clock.Clock
	// Rate and Burst are each token's limit: Burst requests at once, then
	// Rate a second on average (a sliding window of Burst/Rate seconds).
	Rate  float64
	Burst int
	// BodyLimit caps a request body in bytes.
	BodyLimit int64
	// Timeout caps one request's work.
	Timeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (comma-separated CIDRs); others' addresses are their own.
	TrustedProxies string
	// Log receives one line per request (no query strings, no codes: they
	// can be personal) and the details of internal errors.
	Log io.Writer

	logMu   sync.Mutex
	catMu   sync.Mutex
	catID   int64
	cat     *catalog.Catalog
	reqSeq  atomic.Int64
	slots   chan struct{}
	handler http.Handler
	once    sync.Once
}

// Handler is the API's router.
func (a *API) Handler() http.Handler {
	a.once.Do(func() { a.handler = a.routes() })
	return a.handler
}

func (a *API) routes() http.Handler {
	if a.Rate <= 0 {
		a.Rate = 10
	}
	if a.Burst <= 0 {
		a.Burst = 50
	}
	if a.BodyLimit <= 0 {
		a.BodyLimit = 1 << 20
	}
	if a.Timeout <= 0 {
		a.Timeout = 30 * time.Second
	}
	r := chi.NewRouter()
	r.Use(a.recoverer, a.accessLog, a.timeout)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "没有这个接口：请查看 /api/v1/openapi.json", "no such endpoint: see /api/v1/openapi.json")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "此接口不支持 "+r.Method+" 方法", "this endpoint does not accept "+r.Method)
	})
	r.Get("/healthz", a.healthz)
	r.Get("/api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
	window := time.Duration(float64(a.Burst) / a.Rate * float64(time.Second))
	limiter := httprate.NewRateLimiter(a.Burst, window,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return strconv.FormatInt(tokenOf(r).ID, 10), nil }),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusTooManyRequests, "rate_limited",
				fmt.Sprintf("请求过于频繁：每个令牌每秒最多 %g 次（可短时连续 %d 次），请按 Retry-After 等待后重试", a.Rate, a.Burst),
				fmt.Sprintf("too many requests: each token may make %g a second (bursts of %d); wait Retry-After seconds", a.Rate, a.Burst))
		}))
	// Answers in progress at once: enough to fill the store's reader
	// connections and the query log's group commit (store.GroupQueryLog),
	// few enough that a flood waits here, in order, rather than in SQLite.
	a.slots = make(chan struct{}, 32)
	r.Group(func(r chi.Router) {
		r.Use(a.authenticate, limiter.Handler, a.inTurn)
		r.Get("/api/v1/subjects/{code}", a.subject)
		r.Get("/api/v1/subjects", a.search)
		r.Post("/api/v1/checks", a.check)
	})
	return r
}

// apiError is the one error body: a stable code and a Chinese message (with
// its English twin); internal errors say only that and a request id.
type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEn string `json:"message_en"`
	RequestID string `json:"request_id,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, zh, en string) {
	writeJSON(w, status, map[string]apiError{"error": {Code: code, Message: zh, MessageEn: en}})
}

// fail answers err: a rule's refusal with its message, anything else as an
// internal error whose details go to the server log only.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apperr.Error
	if errors.As(err, &e) {
		switch e.Code {
		case apperr.Usage, apperr.Refused:
			writeError(w, http.StatusBadRequest, "bad_request", e.Zh, e.En)
			return
		case apperr.Rule:
			writeError(w, http.StatusForbidden, "refused", e.Zh, e.En)
			return
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		writeError(w, http.StatusServiceUnavailable, "timeout", "请求处理超时，请稍后重试", "the request timed out; try again later")
		return
	}
	id := fmt.Sprintf("%d-%d", time.Now().Unix(), a.reqSeq.Add(1))
	a.logf("error request=%s route=%s: %v", id, routeOf(r), err)
	writeJSON(w, http.StatusInternalServerError, map[string]apiError{"error": {Code: "internal",
		Message: "服务器内部错误，请联系公共信用信息工作机构并告知请求编号", MessageEn: "internal server error; tell the credit office the request id", RequestID: id}})
}

func (a *API) logf(format string, args ...any) {
	if a.Log == nil {
		return
	}
	a.logMu.Lock()
	defer a.logMu.Unlock()
	fmt.Fprintf(a.Log, time.Now().UTC().Format(time.RFC3339)+" "+format+"\n", args...)
}

func routeOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		return rc.RoutePattern()
	}
	return "-"
}

func (a *API) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.fail(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// accessLog writes one line per request: the route pattern (never the path
// or query, which hold codes and names), status, time and token.
func (a *API) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := &statusWriter{ResponseWriter: w}
		holder := &tokenHolder{}
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), holderKey{}, holder)))
		a.logf("%s %s %d %dms token=%d from=%s", r.Method, routeOf(r), ww.status(), time.Since(start).Milliseconds(), holder.id, a.clientAddr(r))
	})
}

// statusWriter remembers the status a handler answered with, for the
// access log. (Our own few lines rather than chi's middleware package,
// which brings net/http/pprof and expvar into every credit command.)
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// status is the status sent, 200 when the handler wrote nothing.
func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// timeout gives each request a.Timeout: its context is cancelled then,
// which stops its store queries; a handler that returns on the deadline
// without answering is answered 504.
func (a *API) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), a.Timeout)
		defer cancel()
		ww, ok := w.(*statusWriter)
		if !ok {
			ww = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(ww, r.WithContext(ctx))
		if ctx.Err() == context.DeadlineExceeded && ww.code == 0 {
			ww.WriteHeader(http.StatusGatewayTimeout)
		}
	})
}

type holderKey struct{}
type tokenKey struct{}

type tokenHolder struct{ id int64 }

func tokenOf(r *http.Request) store.APIToken {
	k, _ := r.Context().Value(tokenKey{}).(store.APIToken)
	return k
}

// clientAddr is the caller's address: the connection's, or, from a trusted
// reverse proxy, the last address it put in X-Forwarded-For.
func (a *API) clientAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr := ap.Addr().Unmap()
	if a.TrustedProxies != "" && AllowedFrom(a.TrustedProxies, addr) {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if fwd, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
				return fwd.Unmap()
			}
		}
	}
	return addr
}

// authenticate admits a request with a valid token of a registered unit
// from an allowed address: 401 for a missing, unknown, expired or revoked
// token, 403 for an address outside the token's allowlist.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		scheme, tok, _ := strings.Cut(auth, " ")
		tok = strings.TrimSpace(tok)
		if !strings.EqualFold(scheme, "Bearer") || tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="credit"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "需要 API 令牌：请在请求头中给出 Authorization: Bearer 令牌",
				"an API token is required: send Authorization: Bearer TOKEN")
			return
		}
		// The store's write version, read once per request: the token, the
		// unit, the catalog version and the providers' names are answered
		// from memory while no audited write has happened since
		// (store.Pin; a revocation is seen by the next request).
		ctx, err := a.Store.Pin(r.Context())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		k, ok, err := a.Store.APITokenByHash(ctx, HashToken(tok))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="credit", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "API 令牌无效：请向公共信用信息工作机构申请", "the API token is not valid: ask the credit office for one")
			return
		}
		switch StateOf(k, a.Clock.Today()) {
		case TokenRevoked:
			w.Header().Set("WWW-Authenticate", `Bearer realm="credit", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "token_revoked", fmt.Sprintf("API 令牌 %d 已被吊销：请向公共信用信息工作机构申请新令牌", k.ID),
				fmt.Sprintf("API token %d has been revoked: ask the credit office for a new one", k.ID))
			return
		case TokenExpired:
			w.Header().Set("WWW-Authenticate", `Bearer realm="credit", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "token_expired", fmt.Sprintf("API 令牌 %d 已于 %s 到期：请向公共信用信息工作机构申请新令牌", k.ID, k.Expires),
				fmt.Sprintf("API token %d expired after %s: ask the credit office for a new one", k.ID, k.Expires))
			return
		}
		if h, _ := r.Context().Value(holderKey{}).(*tokenHolder); h != nil {
			h.id = k.ID
		}
		if addr := a.clientAddr(r); !AllowedFrom(k.Allow, addr) {
			writeError(w, http.StatusForbidden, "address_not_allowed", fmt.Sprintf("令牌 %d 不允许从地址 %s 使用（本办公室规则，服务于第三十七条）", k.ID, addr),
				fmt.Sprintf("token %d may not be used from %s (office rule, serving article 37)", k.ID, addr))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, tokenKey{}, k)))
	})
}

// inTurn admits a request when one of the few answer slots is free.
func (a *API) inTurn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case a.slots <- struct{}{}:
		case <-r.Context().Done():
			writeError(w, http.StatusServiceUnavailable, "timeout", "请求处理超时，请稍后重试", "the request timed out; try again later")
			return
		}
		defer func() { <-a.slots }()
		next.ServeHTTP(w, r)
	})
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	var one int
	if err := a.Store.DB.QueryRowContext(r.Context(), "SELECT 1").Scan(&one); err != nil {
		a.logf("healthz: %v", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// catalog is the catalog in force today, parsed once per version. Each
// request reads only the id of the version in force (a version applied
// meanwhile, or one taking effect today, is used from the next request on);
// the catalog itself is read again only when that id changes.
func (a *API) catalog(ctx context.Context) (*catalog.Catalog, error) {
	today := a.Clock.Today()
	vid, ok, err := a.Store.CatalogIDOn(ctx, today)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.Internal, "尚未应用公共信用信息目录", "no catalog applied yet")
	}
	a.catMu.Lock()
	defer a.catMu.Unlock()
	if a.cat != nil && a.catID == vid {
		return a.cat, nil
	}
	cat, id, err := a.Store.CatalogInForce(ctx, today)
	if err != nil {
		return nil, err
	}
	a.cat, a.catID = cat, id
	return cat, nil
}

// (credit serve refuses --today: its clock's today is the real date, which
// is also what validity is judged on; tests pin that clock.)

// asker is the unit's access in the shared scope (SPEC §C) and the actor its
// answers are logged as.
func (a *API) asker(w http.ResponseWriter, r *http.Request, purpose string) (*archive.Access, store.Actor, bool) {
	purpose = strings.TrimSpace(purpose)
	if purpose == "" {
		writeError(w, http.StatusBadRequest, "purpose_required", "每次查询都必须说明用途（purpose），它记入查询记录（第二十条、第二十七条）",
			"every call must give its purpose (purpose); it is written to the query log")
		return nil, store.Actor{}, false
	}
	if len([]rune(purpose)) > 200 {
		writeError(w, http.StatusBadRequest, "purpose_too_long", "用途（purpose）最多 200 个字", "the purpose may have at most 200 characters")
		return nil, store.Actor{}, false
	}
	k := tokenOf(r)
	cat, err := a.catalog(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return nil, store.Actor{}, false
	}
	op := operator.Operator{Name: fmt.Sprintf("token:%d", k.ID), Role: operator.None}
	acc, err := archive.Authorize(r.Context(), a.Store, cat, op, archive.Request{Scope: archive.Shared, Unit: k.Unit, Purpose: purpose,
		AsOf: a.Clock.Today(), RealToday: a.Clock.Today()})
	if err != nil {
		a.fail(w, r, err)
		return nil, store.Actor{}, false
	}
	actor := store.Actor{Operator: op.Name, Today: a.Clock.Today(), Now: a.Clock.Now,
		Via: "api from " + a.clientAddr(r).String(), TokenID: k.ID}
	return acc, actor, true
}

// subject is GET /api/v1/subjects/{code}: the archive in the unit's shared
// scope, as `credit subject show CODE --scope shared --unit UNIT`.
func (a *API) subject(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code := chi.URLParam(r, "code")
	if _, _, err := archive.ParseCode(code); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_code", "代码无效：应为统一社会信用代码或身份证号码（校验位须正确）",
			"not a valid code: use a 统一社会信用代码 or 身份证号码 with a correct check character")
		return
	}
	acc, actor, ok := a.asker(w, r, q.Get("purpose"))
	if !ok {
		return
	}
	if item := strings.ToUpper(strings.TrimSpace(q.Get("item"))); item != "" {
		if err := acc.Only(item); err != nil {
			writeError(w, http.StatusForbidden, "item_not_allowed", apperr.MessageOf(err, "zh"), apperr.MessageOf(err, "en"))
			return
		}
	}
	arch, err := archive.Show(r.Context(), a.Store, acc, actor, code, archive.ActionShow)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, arch)
}

// searchResult is GET /api/v1/subjects?name=.
type searchResult struct {
	Hits    []archive.Hit `json:"hits"`
	Total   int           `json:"total"`
	More    bool          `json:"more"`
	Page    int           `json:"page"`
	PerPage int           `json:"per_page"`
	ByCode  bool          `json:"by_code"`
	QueryID int64         `json:"query_id"`
}

func (a *API) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := strings.TrimSpace(q.Get("name"))
	if name == "" {
		writeError(w, http.StatusBadRequest, "name_required", "请用 name 参数给出要查找的名称或代码前缀", "give the name or code prefix to search for in the name parameter")
		return
	}
	page, perPage := 1, 20
	for key, dst := range map[string]*int{"page": &page, "per_page": &perPage} {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || (key == "per_page" && n > 200) || (key == "page" && n > 10000) {
				writeError(w, http.StatusBadRequest, "bad_request", key+" 参数无效：page 为 1–10000，per_page 为 1–200 的整数",
					key+" is not valid: page is 1–10000, per_page 1–200")
				return
			}
			*dst = n
		}
	}
	acc, actor, ok := a.asker(w, r, q.Get("purpose"))
	if !ok {
		return
	}
	res, err := archive.Search(r.Context(), a.Store, acc, actor, name, (page-1)*perPage, perPage, archive.SearchCountCap)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, searchResult{Hits: res.Hits, Total: res.Total, More: res.More, Page: page, PerPage: perPage,
		ByCode: res.ByCode, QueryID: res.QueryID})
}

// checkRequest is POST /api/v1/checks.
type checkRequest struct {
	Codes   []string `json:"codes"`
	Matter  string   `json:"matter"`
	Purpose string   `json:"purpose"`
	CaseRef string   `json:"case_ref"`
}

// check is a credit check (第二十五条) of up to MaxCheckCodes codes, as
// `credit check CODE... --matter M --unit UNIT`.
func (a *API) check(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, a.BodyLimit)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var req checkRequest
	err := dec.Decode(&req)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("请求体超过 %d 字节的上限", a.BodyLimit),
				fmt.Sprintf("the request body exceeds the %d-byte limit", a.BodyLimit))
			return
		}
		writeError(w, http.StatusBadRequest, "malformed_body",
			`请求体不是有效的 JSON 对象：应为 {"codes":[…],"matter":"…","purpose":"…","case_ref":"…"}`,
			`the body is not a valid JSON object: expected {"codes":[…],"matter":"…","purpose":"…","case_ref":"…"}`)
		return
	}
	switch {
	case len(req.Codes) == 0:
		writeError(w, http.StatusBadRequest, "codes_required", "codes 至少要有一个代码", "codes must hold at least one code")
		return
	case len(req.Codes) > MaxCheckCodes:
		writeError(w, http.StatusBadRequest, "too_many_codes", fmt.Sprintf("一次最多审查 %d 个代码（这次 %d 个），请分批提交", MaxCheckCodes, len(req.Codes)),
			fmt.Sprintf("at most %d codes per check (this one has %d): split it", MaxCheckCodes, len(req.Codes)))
		return
	case strings.TrimSpace(req.CaseRef) == "":
		writeError(w, http.StatusBadRequest, "case_ref_required", "请给出本单位的办件编号（case_ref），它记入查询记录", "give the unit's case number (case_ref); it is written to the query log")
		return
	}
	if _, err := sanction.ParseMatter(req.Matter); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_matter", apperr.MessageOf(err, "zh"), apperr.MessageOf(err, "en"))
		return
	}
	acc, actor, ok := a.asker(w, r, req.Purpose)
	if !ok {
		return
	}
	l, _, err := sanction.MeasuresInForce(r.Context(), a.Store)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	inputs := make([]sanction.Input, len(req.Codes))
	for i, c := range req.Codes {
		inputs[i] = sanction.Input{Line: i + 1, Code: c}
	}
	res, err := sanction.Check(r.Context(), a.Store, actor, acc.Catalog, l, sanction.CheckRequest{Unit: acc.Unit, Matter: req.Matter,
		On: a.Clock.Today(), Inputs: inputs, Purpose: acc.Purpose, CaseRef: strings.TrimSpace(req.CaseRef)})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
