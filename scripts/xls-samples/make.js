// make.js writes the legacy .xls samples of internal/xls/testdata with
// SheetJS, a real BIFF writer, so that the reader is tested on files it did
// not write itself. Rerun (outside the repository):
//
//   mkdir -p /tmp/xlsjs && cd /tmp/xlsjs && npm install xlsx@0.18.5
//   NODE_PATH=/tmp/xlsjs/node_modules node scripts/xls-samples/make.js internal/xls/testdata
//
// The expected values in internal/xls/xls_test.go are the values written
// here (dates: Excel's serial numbers, worked by hand in the comments).
const XLSX = require("xlsx");
const path = require("path");
const out = process.argv[2] || ".";

function save(name, sheets, opts) {
  const wb = XLSX.utils.book_new();
  for (const [sheetName, ws] of sheets) XLSX.utils.book_append_sheet(wb, ws, sheetName);
  if (opts && opts.date1904) wb.Workbook = { WBProps: { date1904: true } };
  XLSX.writeFile(wb, path.join(out, name), {
    bookType: (opts && opts.bookType) || "biff8",
    bookSST: !(opts && opts.noSST),
  });
}

// Cells: strings are text cells; {n, z} a number with a number format.
function sheet(rows, merges) {
  const ws = {};
  let maxC = 0;
  rows.forEach((row, r) => {
    (row || []).forEach((v, c) => {
      if (v === null || v === undefined) return;
      const ref = XLSX.utils.encode_cell({ r, c });
      if (typeof v === "object") ws[ref] = { t: "n", v: v.n, z: v.z };
      else if (typeof v === "number") ws[ref] = { t: "n", v };
      else if (typeof v === "boolean") ws[ref] = { t: "b", v };
      else ws[ref] = { t: "s", v };
      maxC = Math.max(maxC, c);
    });
  });
  ws["!ref"] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: rows.length - 1, c: maxC } });
  if (merges) ws["!merges"] = merges.map((m) => XLSX.utils.decode_range(m));
  return ws;
}

// 1. Today's national 行政处罚 layout, header in row 1, two good rows.
const xzcfHeader = [
  "行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
  "行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
  "行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码",
  "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
  "没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期",
  "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
];
function xzcfRow(set) {
  const base = {
    "行政相对人名称": "甲公司", "行政相对人类别": "法人及非法人组织", "行政相对人代码_1（统一社会信用代码）": "91350100M000100Y43",
    "法定代表人": "张三", "法定代表人证件类型": "身份证", "法定代表人证件号码": "11010519491231002X",
    "行政处罚决定书文号": "通市监罚〔2025〕1号", "违法行为类型": "虚假广告", "违法事实": "发布虚假广告",
    "处罚依据": "《广告法》第五十五条", "处罚类别": "罚款", "处罚内容": "罚款20000元", "罚款金额（万元）": 2,
    // 2025-06-10 is serial 45818 (2025-01-01 = 45658, +160 days); 2026-06-10 = 45818 + 365.
    "处罚决定日期": { n: 45818, z: "yyyy-mm-dd" }, "处罚有效期": { n: 46183, z: "yyyy/m/d" },
    "处罚机关": "南通市市场监督管理局", "处罚机关统一社会信用代码": "11100000000013127D",
    "数据来源单位": "南通市市场监督管理局", "数据来源单位统一社会信用代码": "11100000000013127D",
  };
  Object.assign(base, set);
  return xzcfHeader.map((h) => (h in base ? base[h] : null));
}
save("xzcf_clean.xls", [["Sheet1", sheet([
  xzcfHeader,
  xzcfRow({}),
  xzcfRow({ "行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": "91110000802100433B", "行政处罚决定书文号": "通市监罚〔2025〕2号", "罚款金额（万元）": 0.5 }),
])]]);

// 2. Dates and numbers, 1900 date system.
const numbers = [
  ["值", "说明"],
  [{ n: 45658, z: "yyyy-mm-dd" }, "2025-01-01 as a date"],
  [{ n: 45658.75, z: "yyyy-mm-dd hh:mm" }, "2025-01-01 18:00"],
  [{ n: 45658, z: "yyyy\"年\"m\"月\"d\"日\"" }, "Chinese date format"],
  [45658, "the same number, General"],
  [{ n: 1234.5, z: "#,##0.00" }, "thousands format"],
  [0.1 + 0.2, "float noise: 0.30000000000000004"],
  [{ n: 0.25, z: "0%" }, "percent"],
  [-17, "negative integer"],
  [true, "boolean"],
];
save("dates.xls", [["Sheet1", sheet(numbers)]]);
// 3. The same dates in a 1904 workbook: 2025-01-01 is 45658 - 1462 = 44196.
save("dates1904.xls", [["Sheet1", sheet([
  ["值"],
  [{ n: 44196, z: "yyyy-mm-dd" }],
  [44196],
])]], { date1904: true });

// 4. Codes: an 18-digit ID number typed as a number (Excel keeps 15 digits),
// the same as text, a code with leading zeros as text.
save("number_id.xls", [["Sheet1", sheet([
  ["证件号码", "说明"],
  [320602198001011234, "ID typed into a General cell"],
  ["320602198001011234", "ID as text"],
  ["000123", "leading zeros as text"],
  [1234567890123, "13 digits, exact"],
])]]);

// 5. A two-row header: 当事人 over 名称/代码, 处罚决定日期 spanning both rows.
save("merged_header.xls", [["Sheet1", sheet([
  ["当事人", null, "处罚决定日期"],
  ["名称", "代码", null],
  ["甲公司", "91350100M000100Y43", { n: 45818, z: "yyyy-mm-dd" }],
], ["A1:B1", "C1:C2"])]]);

// 6. Enough long Chinese strings to need CONTINUE records after the SST
// (8,224 bytes a record): 60 strings of 100+ characters, UTF-16, one of
// them outside the BMP (𠮷, a surrogate pair).
function longText(i) {
  return "第" + i + "条：" + "当事人未按规定公示年度报告且逾期未改正，".repeat(5) + (i === 59 ? "𠮷" : "");
}
const longRows = [["编号", "违法事实"]];
for (let i = 0; i < 60; i++) longRows.push([String(i), longText(i)]);
save("long_sst.xls", [["Sheet1", sheet(longRows)]]);

// 7. Two sheets: a note sheet first, the data second.
save("two_sheets.xls", [
  ["填报说明", sheet([["请按模板填写"], ["日期列请设为日期格式"]])],
  ["数据", sheet([["行政相对人名称", "处罚决定日期"], ["丙公司", { n: 45818, z: "yyyy-mm-dd" }]])],
]);

// 8. BIFF5 (Excel 95): SheetJS writes it in code page 1252 and turns every
// other character into "_" (it wrote "Café" as "Caf_"), so this sample holds
// ASCII text; GBK BIFF5 is tested on records built from [MS-XLS] in the test.
save("biff5.xls", [["Sheet1", sheet([
  ["name", "date"],
  ["Cafe", { n: 45818, z: "yyyy-mm-dd" }],
])]], { bookType: "biff5", noSST: true });

// 9. Strings as LABEL records instead of the SST (what some writers do).
save("labels.xls", [["Sheet1", sheet([["名称", "代码"], ["甲公司", "000123"]])]], { noSST: true });

// 10. A department's file as it is sent (issue 22): a sheet of notes first,
// then the data sheet with a title row and a blank row above the header
// (row 3), two good rows, a row whose 法定代表人证件号码 was typed as a
// number (Excel keeps 15 digits: 320602199001012000, check digit wrong),
// a blank row and the footer notes (rows 8–10).
save("dept_title_notes.xls", [
  ["填报说明", sheet([["1. 金额单位为万元"], ["2. 日期请设为日期格式"]])],
  ["行政处罚", sheet([
    ["南通市市场监督管理局行政处罚信息公示表（2025年第三季度）"],
    [],
    xzcfHeader,
    xzcfRow({}),
    xzcfRow({ "行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": "91110000802100433B", "行政处罚决定书文号": "通市监罚〔2025〕2号" }),
    xzcfRow({ "行政相对人名称": "丙公司", "行政相对人代码_1（统一社会信用代码）": "913206020000026740", "行政处罚决定书文号": "通市监罚〔2025〕3号",
      "法定代表人证件号码": 320602199001012000 }),
    [],
    ["填报说明：金额单位为万元"],
    ["制表人：李四", "审核人：王五"],
    ["填报日期：2025年10月8日"],
  ])],
]);

// 11. A department's file with a title row merged over the table (row 1), a
// two-row header (rows 2–3: the group cell 行政相对人代码 merged over C2:H2
// above its six sub-columns, every other header cell merged down over both
// rows, as Excel templates draw it), three data rows (4–6) — row 6 a natural
// person whose 18-digit 证件号码 was typed into a General cell, so Excel kept
// 15 significant digits (110105194912310020 as a double, shown
// 110105194912310000: the check digit is lost) — a blank row and notes on
// rows 8–9.
{
  const top = xzcfHeader.slice();
  const sub = xzcfHeader.map(() => null);
  for (let i = 2; i <= 7; i++) {
    const name = xzcfHeader[i];
    sub[i] = name.slice(name.indexOf("（") + 1, name.length - 1);
    top[i] = null;
  }
  top[2] = "行政相对人代码";
  const last = XLSX.utils.encode_col(xzcfHeader.length - 1);
  const merges = ["A1:" + last + "1", "C2:H2"];
  xzcfHeader.forEach((h, i) => {
    if (i < 2 || i > 7) {
      const col = XLSX.utils.encode_col(i);
      merges.push(col + "2:" + col + "3");
    }
  });
  save("dept_merged_header.xls", [["Sheet1", sheet([
    ["南通市市场监督管理局行政处罚信息公示表（2025年第三季度）"],
    top,
    sub,
    xzcfRow({}),
    xzcfRow({ "行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": "91110000802100433B", "行政处罚决定书文号": "通市监罚〔2025〕2号" }),
    xzcfRow({ "行政相对人名称": "李四", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": null,
      "法定代表人": null, "法定代表人证件类型": null, "法定代表人证件号码": null,
      "证件类型": "身份证", "证件号码": 110105194912310020, "行政处罚决定书文号": "通市监罚〔2025〕3号" }),
    [],
    ["填报说明：金额单位为万元"],
    ["制表人：李四", "审核人：王五"],
  ], merges)]]);
}
