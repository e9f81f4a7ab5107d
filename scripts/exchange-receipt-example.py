# Builds a sample provincial receipt for a run folder (docs/exchange.md §8): record 2 refused, the rest accepted.
import hashlib, json, sys, xml.etree.ElementTree as ET, pathlib
d = pathlib.Path(sys.argv[1]); m = json.loads((d / "manifest.json").read_text())
files, results = [], []
for f in m["files"]:
    data = (d / f["name"]).read_bytes()
    files.append({"name": f["name"], "sha256": hashlib.sha256(data).hexdigest()})
    for e in ET.fromstring(data).iter("DATA"):
        r = {"file": f["name"], "id": int(e.get("id")), "rev": int(e.get("rev")), "result": "accepted"}
        if r["id"] == 2:
            r.update(result="error", code="E201", message="行政相对人名称与统一社会信用代码不一致")
        results.append(r)
print(json.dumps({"sequence": m["sequence"], "department": m["department"], "received_on": m["date"],
                  "files": files, "results": results}, ensure_ascii=False, indent=1))
