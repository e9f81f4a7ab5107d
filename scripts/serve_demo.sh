#!/usr/bin/env bash
# make serve-demo: serves the demo store (made by make demo's generator when
# missing): clerks over SSH on :2222 with your own key, a demo unit over the
# HTTP API on :8080. Prints the ssh and curl lines to try; Ctrl+C stops it
# (gracefully: running requests finish, the store is checkpointed).
set -euo pipefail
cd "$(dirname "$0")/.."
export CREDIT_DB="$PWD/demo/credit.db"
C=bin/credit
HTTP=${SERVE_HTTP:-127.0.0.1:8080}
SSH=${SERVE_SSH:-127.0.0.1:2222}
if [ ! -f demo/credit.db ]; then
  mkdir -p demo
  go run ./scripts/gendata demo -bin "$C" -dir demo -n "${DEMO_SUBJECTS:-1000}" >/dev/null
fi
UNIT=113206000140000015
$C unit add $UNIT --name 南通市发展和改革委员会（演示）>/dev/null 2>&1 || true
TOKEN=$($C unit token add $UNIT 2>/dev/null)
me=$(id -un)
for k in ~/.ssh/id_ed25519.pub ~/.ssh/id_ecdsa.pub ~/.ssh/id_rsa.pub; do
  if [ -f "$k" ]; then
    $C user key add "$me" "$k" >/dev/null 2>&1 || true   # already added: fine
    break
  fi
done
CODE=$($C subject search 公司 --format json 2>/dev/null | sed -n 's/.*"code": *"\([0-9A-Z]\{18\}\)".*/\1/p' | head -1)
CODE=${CODE:-91350100M000100Y43}
cat <<EOF2
credit serve 演示 / served demo
  终端界面 / the TUI:        ssh -p ${SSH##*:} ${me}@${SSH%:*}
  一条命令 / one command:    ssh -p ${SSH##*:} ${SSH%:*} subject show $CODE --format json
  单位接口 / the unit API:   curl -H 'Authorization: Bearer $TOKEN' 'http://$HTTP/api/v1/subjects/$CODE?purpose=演示'
  接口说明 / OpenAPI:        curl http://$HTTP/api/v1/openapi.json
（ssh 用你的 ~/.ssh 公钥，已登记给操作员 $me / ssh uses your ~/.ssh key, registered for $me）
Ctrl+C 停止 / to stop.
EOF2
exec $C serve --http "$HTTP" --ssh "$SSH"
