"""Words the product shows, in Chinese (default) and English.

Examples
--------
>>> t("problem.required", "en", column="name")
'is empty, but this column is required'
>>> t("problem.required", "zh", column="名称")
'为空，但该列必填'
>>> fmt_int(12345, "en"), fmt_int(12345, "zh")
('12,345', '12,345')
"""
from __future__ import annotations

import os

LANGS = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    # --- workbook problems -------------------------------------------------
    "problem.missing_table": {
        "zh": "缺少必需的表“{table}”",
        "en": "the required table '{table}' is missing",
    },
    "problem.missing_column": {
        "zh": "缺少必需的列“{column}”",
        "en": "the required column '{column}' is missing",
    },
    "problem.duplicate_column": {
        "zh": "列“{column}”出现了不止一次",
        "en": "the column '{column}' appears more than once",
    },
    "problem.required": {"zh": "为空，但该列必填", "en": "is empty, but this column is required"},
    "problem.not_int": {"zh": "不是整数", "en": "is not a whole number"},
    "problem.not_number": {"zh": "不是数字", "en": "is not a number"},
    "problem.not_bool": {
        "zh": "不是是/否值（可填 是、否、true、false、1、0）",
        "en": "is not a yes/no value (use true, false, yes, no, 1, 0, 是, 否)",
    },
    "problem.not_date": {
        "zh": "不是有效日期（应为 YYYY-MM-DD 或 Excel 日期）",
        "en": "is not a valid date (use YYYY-MM-DD or an Excel date)",
    },
    "problem.not_allowed": {
        "zh": "不是允许的值（可选：{allowed}）",
        "en": "is not an allowed value (allowed: {allowed})",
    },
    "problem.below_min": {"zh": "小于最小值 {min}", "en": "is below the minimum {min}"},
    "problem.above_max": {"zh": "大于最大值 {max}", "en": "is above the maximum {max}"},
    "problem.duplicate_id": {
        "zh": "编号重复（第 {first} 行已使用）",
        "en": "is a duplicate id (already used on row {first})",
    },
    "problem.unknown_ref": {
        "zh": "在{target}中找不到这个编号",
        "en": "names nothing: no such id in {target}",
    },
    "problem.wrong_side": {
        "zh": "指向的是{actual}，这里应为{expected}",
        "en": "names the {actual} side, but the {expected} side is needed here",
    },
    "problem.end_before_start": {
        "zh": "早于开始日期 {start}",
        "en": "is before the start date {start}",
    },
    "problem.region_cycle": {
        "zh": "上级地区形成循环：{cycle}",
        "en": "parent regions form a cycle: {cycle}",
    },
    "problem.unit_side": {
        "zh": "单位方向为{side}，但所在地区为{region_side}",
        "en": "the unit is on the {side} side but its region is on the {region_side} side",
    },
    "problem.unreadable": {
        "zh": "无法读取：{detail}",
        "en": "cannot be read: {detail}",
    },
    "problem.bad_xlsx": {
        "zh": "不是有效的 .xlsx 文件（可能已损坏，或是其他格式改了扩展名）",
        "en": "is not a valid .xlsx file (damaged, or another format renamed) ({detail})",
    },
    "problem.not_workbook": {
        "zh": "不是工作簿：应为 .xlsx 文件或包含 .csv 文件的文件夹",
        "en": "is not a workbook: give an .xlsx file or a folder of .csv files",
    },
    "problem.no_tables": {
        "zh": "没有找到任何表（应有 regions.csv、units.csv 等）",
        "en": "holds no tables (expected regions.csv, units.csv, …)",
    },
    "problem.not_found": {"zh": "不存在", "en": "does not exist"},
    "where.row": {"zh": "第 {row} 行", "en": "row {row}"},
    "where.column": {"zh": "“{column}”列", "en": "column '{column}'"},
    "where.sheet": {"zh": "工作表“{sheet}”", "en": "sheet '{sheet}'"},
    "where.value": {"zh": "值“{value}”", "en": "value '{value}'"},
    "error.header": {
        "zh": "工作簿 {source} 有 {n} 个问题，未载入任何数据：",
        "en": "The workbook {source} has {n} problem(s); nothing was loaded:",
    },
    "side.sending": {"zh": "援方", "en": "sending"},
    "side.host": {"zh": "受援方", "en": "host"},
    "side.sending_label": {"zh": "派出城市", "en": "Sending cities"},
    "side.host_label": {"zh": "受援县市", "en": "Host counties"},
    "or": {"zh": "或", "en": " or "},
    # --- summary / command line ----------------------------------------------
    "summary.title": {"zh": "工作簿概况：{source}", "en": "Workbook summary: {source}"},
    "summary.ok": {"zh": "检查通过，没有发现问题。", "en": "Check passed: no problems found."},
    "summary.rows": {"zh": "{table}：{n} 行", "en": "{table}: {n} rows"},
    "summary.people": {
        "zh": "援派人员 {n} 人，来自 {cities} 个派出城市；受援单位 {hosts} 个；需求岗位 {seats} 个",
        "en": "{n} people from {cities} sending cities; {hosts} host units; {seats} seats ordered",
    },
    "summary.assigned": {
        "zh": "在岗或计划派驻 {n} 人次",
        "en": "{n} active or planned assignments",
    },
    "summary.unpaired": {
        "zh": "没有结对覆盖的受援单位：{n} 个",
        "en": "host units no pairing covers: {n}",
    },
    "summary.idle": {
        "zh": "没有可派岗位的人员：{n} 人",
        "en": "people with no eligible order: {n}",
    },
    "cli.template_written": {"zh": "已写出模板：{path}", "en": "Template written: {path}"},
    "cli.no_notebooks": {"zh": "找不到 notebooks 文件夹：{path}", "en": "No notebooks folder at {path}"},
    "cli.serving": {
        "zh": "仪表盘地址：http://127.0.0.1:{port}/ （数据：{data}）",
        "en": "Dashboards at http://127.0.0.1:{port}/ (data: {data})",
    },
    # --- apps ----------------------------------------------------------------
    "app.overview.title": {"zh": "对口支援概览", "en": "Counterpart support overview"},
    "app.lang": {"zh": "English", "en": "中文"},
    "app.loading": {"zh": "正在载入数据…", "en": "Loading data…"},
    "app.data_source": {"zh": "数据：{source}", "en": "Data: {source}"},
    "app.error": {
        "zh": "出现了问题，详情已记录在服务器日志中。",
        "en": "Something went wrong; the details are in the server log.",
    },
    "app.load_failed": {"zh": "数据无法载入：", "en": "The data could not be loaded:"},
    "kpi.people": {"zh": "援派人员", "en": "People"},
    "kpi.sending_cities": {"zh": "派出城市", "en": "Sending cities"},
    "kpi.host_units": {"zh": "受援单位", "en": "Host units"},
    "kpi.seats": {"zh": "需求岗位", "en": "Seats ordered"},
    "kpi.on_post": {"zh": "当前在岗", "en": "On post now"},
    "kpi.unpaired": {"zh": "无结对单位", "en": "Unpaired host units"},
    "kpi.teams": {"zh": "组团", "en": "Teams"},
    "kpi.filled": {"zh": "本月岗位到位", "en": "Seats filled this month"},
    "kpi.coverage": {"zh": "本月满足率", "en": "Coverage this month"},
    "kpi.gap": {"zh": "本月缺口", "en": "Gap this month"},
    "ov.gaps": {"zh": "缺口最大的受援单位（本月）", "en": "Largest gaps this month"},
    "ov.cliffs": {"zh": "即将期满（未来12个月）", "en": "Terms ending in the next 12 months"},
    "ov.by_category": {"zh": "各派出城市在岗人员（按类别）", "en": "On post by sending city and category"},
    "ov.links": {"zh": "详细分析：", "en": "Details:"},
    "ov.link.coverage": {"zh": "覆盖缺口", "en": "Coverage gaps"},
    "ov.link.allocation": {"zh": "人选分配", "en": "Allocation"},
    "ov.link.rotation": {"zh": "轮换与结对", "en": "Rotation and mentoring"},
    "ov.tab.summary": {"zh": "概况", "en": "Summary"},
    # --- allocation page --------------------------------------------------------
    "aapp.title": {"zh": "人选分配", "en": "Allocation"},
    "rapp.title": {"zh": "轮换与结对", "en": "Rotation and mentoring"},
    "rapp.unit": {"zh": "受援单位", "en": "Host unit"},
    "rapp.overlap": {"zh": "交接重叠天数", "en": "Handover overlap (days)"},
    "rapp.tab.timeline": {"zh": "派驻时间线", "en": "Timeline"},
    "rapp.tab.handovers": {"zh": "交接日历", "en": "Handovers"},
    "rapp.tab.next": {"zh": "下一批订单", "en": "Next-batch orders"},
    "rapp.tab.flexible": {"zh": "柔性轮换时段", "en": "Flexible slots"},
    "rapp.tab.mentoring": {"zh": "师徒结对", "en": "Mentoring"},
    "rapp.tab.batches": {"zh": "批次", "en": "Batches"},
    "rapp.today": {"zh": "今天", "en": "today"},
    "rapp.gantt": {"zh": "{unit}：派驻时间线（{n} 人次）", "en": "{unit}: assignments over time ({n})"},
    "rapp.next_head": {"zh": "本批期满后无人接续的订单草稿（{n} 个），请受援单位确认", "en": "Draft orders for the next batch ({n}), for host units to confirm"},
    "rapp.download_next": {"zh": "下载下一批订单工作簿", "en": "Download the next-batch workbook"},
    "rapp.pair": {"zh": "生成结对方案", "en": "Propose mentoring pairs"},
    "rapp.pairs_head": {"zh": "新结对", "en": "New pairs"},
    "rapp.coverage_head": {"zh": "各单位本地人员带教覆盖（含新结对）", "en": "Local staff with a mentor by unit (with the new pairs)"},
    "rapp.ending_head": {"zh": "未来12个月因期满结束的结对", "en": "Pairs ending with a term in the next 12 months"},
    "rapp.capacity": {"zh": "每位导师带徒上限", "en": "Apprentices per mentor"},
    "rapp.from": {"zh": "干部导师来自", "en": "Cadre mentors from"},
    "rapp.from.both": {"zh": "本单位或上级单位", "en": "Own unit or the unit above"},
    "rapp.from.unit": {"zh": "本单位", "en": "Own unit"},
    "rapp.from.above": {"zh": "上级单位（乡镇导师库）", "en": "Unit above (township pool)"},
    "col.apprentice_unit": {"zh": "徒弟所在单位", "en": "Apprentice's unit"},
    "rapp.propose": {"zh": "从柔性人才库推荐人选", "en": "Propose from the flexible pool"},
    "rapp.proposals": {"zh": "推荐人选 {n} 人（最优分配，待确认）", "en": "{n} people proposed (optimal allocation, to confirm)"},
    "col.batch": {"zh": "批次", "en": "Batch"},
    "col.program": {"zh": "类别", "en": "Programme"},
    "col.term_months": {"zh": "期限（月）", "en": "Term (months)"},
    "col.term_ok": {"zh": "期限正常", "en": "Term as usual"},
    "col.recommended_start": {"zh": "建议到岗", "en": "Recommended start"},
    "col.batch_start": {"zh": "批次建议到岗", "en": "Batch start"},
    "col.overlap_days": {"zh": "重叠天数", "en": "Overlap days"},
    "col.out_batch": {"zh": "离任批次", "en": "Outgoing batch"},
    "col.in_batch": {"zh": "接任批次", "en": "Incoming batch"},
    "col.source_order": {"zh": "接续订单", "en": "Follows order"},
    "col.staffed": {"zh": "已派", "en": "Staffed"},
    "col.open_seats": {"zh": "空缺", "en": "Open"},
    "col.state": {"zh": "状态", "en": "State"},
    "col.mentor": {"zh": "导师", "en": "Mentor"},
    "col.apprentice": {"zh": "徒弟", "en": "Apprentice"},
    "col.exact_skill": {"zh": "专业对口", "en": "Exact skill"},
    "col.local_staff": {"zh": "本地人员", "en": "Local staff"},
    "col.mentored": {"zh": "已结对", "en": "With a mentor"},
    "col.share": {"zh": "覆盖率", "en": "Share"},
    "col.id": {"zh": "编号", "en": "Id"},
    "col.slot": {"zh": "时段", "en": "Slot"},
    "col.same_sector": {"zh": "同行业", "en": "Same sector"},
    "col.mentored_ever": {"zh": "累计带教", "en": "Mentored ever"},
    "col.mentored_now": {"zh": "当前带教", "en": "Mentored now"},
    "col.share_now": {"zh": "当前覆盖率", "en": "Share now"},
    "col.term_end": {"zh": "服务期满日期", "en": "Term ends"},
    "col.pair_end": {"zh": "结对结束日期", "en": "Pair ends"},
    "col.ends": {"zh": "结对终止日期", "en": "Ends on"},
    "col.because": {"zh": "终止原因", "en": "Because"},
    "aapp.window": {"zh": "规划期", "en": "Window"},
    "aapp.region": {"zh": "受援地区", "en": "Host region"},
    "aapp.method": {"zh": "方法", "en": "Method"},
    "aapp.method.optimal": {"zh": "最优（优先级加权）", "en": "Optimal (priority-weighted)"},
    "aapp.method.stable": {"zh": "稳定匹配（按志愿）", "en": "Stable matching (wishes)"},
    "aapp.run": {"zh": "运行分配", "en": "Run the allocation"},
    "aapp.running": {"zh": "正在求解，请稍候…", "en": "Solving, please wait…"},
    "aapp.step.seats": {"zh": "整理席位与候选人", "en": "Seats and candidates"},
    "aapp.step.solve": {"zh": "求解", "en": "Solving"},
    "aapp.step.done": {"zh": "完成", "en": "Done"},
    "aapp.not_run": {"zh": "尚未运行。选择规划期后点击“运行分配”。",
                     "en": "Not run yet. Choose the window and press “Run the allocation”."},
    "aapp.failed": {"zh": "无法分配：{reason}", "en": "The allocation cannot run: {reason}"},
    "aapp.kpi.new": {"zh": "新安排人数", "en": "New assignments"},
    "aapp.kpi.unfilled": {"zh": "空缺席位", "en": "Seats unfilled"},
    "aapp.kpi.status": {"zh": "求解状态", "en": "Solver status"},
    "aapp.kpi.objective": {"zh": "目标值 / 上界", "en": "Objective / bound"},
    "aapp.kpi.seconds": {"zh": "用时（秒）", "en": "Seconds"},
    "aapp.tab.teams": {"zh": "各单位组团", "en": "Teams by host unit"},
    "aapp.tab.unfilled": {"zh": "空缺与原因", "en": "Unfilled seats"},
    "aapp.tab.cities": {"zh": "各派出城市", "en": "By sending city"},
    "aapp.tab.adjust": {"zh": "锁定与排除", "en": "Pin and forbid"},
    "aapp.tab.compare": {"zh": "方案对比", "en": "Compare runs"},
    "aapp.pick": {"zh": "选择一项新安排", "en": "Pick a new assignment"},
    "aapp.pin": {"zh": "锁定此安排", "en": "Pin it"},
    "aapp.forbid": {"zh": "排除此安排", "en": "Forbid it"},
    "aapp.clear": {"zh": "清除全部锁定与排除", "en": "Clear pins and forbids"},
    "aapp.pins": {"zh": "锁定：{items}", "en": "Pins: {items}"},
    "aapp.forbids": {"zh": "排除：{items}", "en": "Forbids: {items}"},
    "aapp.none": {"zh": "无", "en": "none"},
    "aapp.rerun_hint": {"zh": "调整后请再次点击“运行分配”。", "en": "Press “Run the allocation” again to re-plan."},
    "aapp.no_previous": {"zh": "再运行一次即可与上次方案对比。", "en": "Run again to compare with the previous plan."},
    "aapp.diff_head": {"zh": "与上次方案相比：调整 {moved} 人，新增 {added} 人，撤下 {removed} 人",
                       "en": "Against the previous run: {moved} moved, {added} added, {removed} removed"},
    "aapp.download": {"zh": "生成派遣名单", "en": "Make the roster workbook"},
    "aapp.explain": {"zh": "说明", "en": "Why"},
    "aapp.change.moved": {"zh": "调整", "en": "moved"},
    "aapp.change.added": {"zh": "新增", "en": "added"},
    "aapp.change.removed": {"zh": "撤下", "en": "removed"},
    "col.reason": {"zh": "原因", "en": "Reason"},
    "col.team": {"zh": "组团", "en": "Team"},
    "col.seats_empty": {"zh": "空缺", "en": "Empty seats"},
    "col.change": {"zh": "变化", "en": "Change"},
    "col.order_a": {"zh": "原订单", "en": "Order before"},
    "col.order_b": {"zh": "新订单", "en": "Order after"},
    "col.new": {"zh": "新安排", "en": "New"},
    "chart.people_by_city": {"zh": "各派出城市援派人员（按行业）", "en": "People by sending city and sector"},
    "chart.units_by_county": {"zh": "各县市受援单位数", "en": "Host units by county"},
    "chart.no_city": {"zh": "省直单位", "en": "Province-level"},
    "chart.pairing_network": {"zh": "结对关系网络（派出城市 → 受援县市）", "en": "Pairing network (sending city → host county)"},
    "chart.people": {"zh": "人数", "en": "People"},
    "chart.units": {"zh": "单位数", "en": "Units"},
    "col.source_city": {"zh": "派出城市", "en": "Sending city"},
    "col.host_region": {"zh": "受援县市", "en": "Host county"},
    "col.people": {"zh": "人数", "en": "People"},
    "col.seats": {"zh": "岗位数", "en": "Seats"},
    "col.units": {"zh": "单位数", "en": "Units"},
    "col.sector": {"zh": "行业", "en": "Sector"},
    "col.kind": {"zh": "类型", "en": "Kind"},
    "tab.pairings": {"zh": "结对关系", "en": "Pairings"},
    "tab.people": {"zh": "援派人员", "en": "People"},
    "tab.hosts": {"zh": "受援单位", "en": "Host units"},
    "filter.side_city": {"zh": "派出城市", "en": "Sending city"},
    "filter.all": {"zh": "全部", "en": "All"},
    # --- coverage ------------------------------------------------------------
    "cov.title": {"zh": "覆盖缺口", "en": "Coverage gaps"},
    "col.host_unit": {"zh": "受援单位", "en": "Host unit"},
    "col.area": {"zh": "地区", "en": "Area"},
    "col.month": {"zh": "月份", "en": "Month"},
    "col.demand": {"zh": "需求", "en": "Demand"},
    "col.supply": {"zh": "在岗", "en": "Supply"},
    "col.gap": {"zh": "缺口", "en": "Gap"},
    "col.surplus": {"zh": "富余", "en": "Surplus"},
    "col.ratio": {"zh": "满足率", "en": "Ratio"},
    "col.band": {"zh": "缺口等级", "en": "Band"},
    "col.sender": {"zh": "责任方", "en": "Responsible sender"},
    "col.scope": {"zh": "结对方式", "en": "Pairing scope"},
    "col.order": {"zh": "订单", "en": "Order"},
    "col.leaving": {"zh": "期满离岗", "en": "Leaving"},
    "col.supply_before": {"zh": "上月在岗", "en": "Supply before"},
    "col.from_month": {"zh": "出现缺口月份", "en": "Short from"},
    "col.seats_short": {"zh": "空缺岗位", "en": "Seats short"},
    "col.leaves_on": {"zh": "离岗日期", "en": "Leaves on"},
    "col.outgoing": {"zh": "离任人员", "en": "Outgoing"},
    "col.out_end": {"zh": "离任日期", "en": "Leaves"},
    "col.incoming": {"zh": "接任人员", "en": "Incoming"},
    "col.in_start": {"zh": "接任日期", "en": "Arrives"},
    "col.handover": {"zh": "交接", "en": "Handover"},
    "col.days": {"zh": "天数", "en": "Days"},
    "col.person": {"zh": "人员", "en": "Person"},
    "col.name": {"zh": "姓名", "en": "Name"},
    "col.start": {"zh": "开始", "en": "Start"},
    "col.end": {"zh": "结束", "en": "End"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.role": {"zh": "岗位角色", "en": "Role"},
    "col.skill": {"zh": "专业", "en": "Skill"},
    "col.headcount": {"zh": "人数", "en": "Headcount"},
    "col.priority": {"zh": "优先级", "en": "Priority"},
    "band.green": {"zh": "充足", "en": "Green"},
    "band.amber": {"zh": "偏紧", "en": "Amber"},
    "band.red": {"zh": "紧缺", "en": "Red"},
    "band.none": {"zh": "无需求", "en": "No demand"},
    "handover.overlap": {"zh": "重叠交接", "en": "Overlap"},
    "handover.gap": {"zh": "空档", "en": "Gap"},
    "handover.seamless": {"zh": "无缝衔接", "en": "Seamless"},
    "handover.none": {"zh": "无人接替", "en": "No successor"},
    "by.unit": {"zh": "受援单位", "en": "Host unit"},
    "by.county": {"zh": "县市", "en": "County"},
    "by.prefecture": {"zh": "地州/师", "en": "Prefecture / division"},
    "by.division": {"zh": "师", "en": "Division"},
    "by.sector": {"zh": "行业", "en": "Sector"},
    "by.sender": {"zh": "责任方", "en": "Responsible sender"},
    "cov.sheet.gaps": {"zh": "缺口排行", "en": "Largest gaps"},
    "cov.sheet.units": {"zh": "单位×行业", "en": "Units x sectors"},
    "cov.sheet.months": {"zh": "逐月", "en": "By month"},
    "cov.sheet.cliffs": {"zh": "期满断崖", "en": "Cliffs"},
    "cov.sheet.left": {"zh": "将出现空缺的订单", "en": "Orders left uncovered"},
    "cov.sheet.handovers": {"zh": "交接", "en": "Handovers"},
    "cov.sheet.uncovered": {"zh": "无结对", "en": "No pairing"},
    "cov.cli.header": {"zh": "{month} 缺口最大的{by}（共 {n} 项有缺口，合计缺 {gap} 人）",
                       "en": "Largest gaps by {by} in {month} ({n} with a gap, {gap} people short in all)"},
    "cov.cli.none": {"zh": "{month} 没有缺口。", "en": "No gaps in {month}."},
    "cov.cli.written": {"zh": "已写出缺口报告：{path}", "en": "Gap report written: {path}"},
    "cov.cli.bad_month": {"zh": "月份“{value}”无效，应为 YYYY-MM", "en": "The month '{value}' is not valid; use YYYY-MM"},
    "cov.cli.bad_out": {"zh": "输出文件应以 .xlsx 结尾：{path}", "en": "The output must end in .xlsx: {path}"},
    "cov.filter.area": {"zh": "地州/师", "en": "Prefecture"},
    "cov.filter.county": {"zh": "县市", "en": "County"},
    "cov.filter.unit": {"zh": "单位", "en": "Unit"},
    "cov.filter.sector": {"zh": "行业", "en": "Sector"},
    "cov.filter.months": {"zh": "月份", "en": "Months"},
    "cov.kpi.demand": {"zh": "需求岗位（首月）", "en": "Seats demanded (first month)"},
    "cov.kpi.supply": {"zh": "在岗人数（首月）", "en": "People on post (first month)"},
    "cov.kpi.gap": {"zh": "缺口（首月）", "en": "Gap (first month)"},
    "cov.kpi.ratio": {"zh": "满足率（首月）", "en": "Coverage ratio (first month)"},
    "cov.kpi.cliff": {"zh": "所选期间期满离岗", "en": "Leaving in the period"},
    "cov.heatmap": {"zh": "{rows}×行业：所选期间最大缺口", "en": "{rows} × sector: largest gap in the period"},
    "cov.timeline": {"zh": "需求与在岗（逐月，▼为期满断崖）", "en": "Demand and supply by month (▼ terms end)"},
    "cov.table": {"zh": "缺口最大的单位×行业（{month}）", "en": "Largest gaps by unit × sector ({month})"},
    "cov.drill": {"zh": "选择一行查看订单和在岗人员", "en": "Pick a row to see its orders and the people on them"},
    "cov.orders_of": {"zh": "{unit} · {sector}：订单与在岗人员", "en": "{unit} · {sector}: orders and people on post"},
    "cov.nobody": {"zh": "（无人在岗）", "en": "(nobody on post)"},
    "cov.download": {"zh": "生成 Excel 报告", "en": "Make the Excel report"},
    "cov.download_link": {"zh": "下载 {name}", "en": "Download {name}"},
    "cov.upload": {"zh": "上传工作簿（xlsx 或 CSV 压缩包）", "en": "Upload a workbook (xlsx or zipped CSVs)"},
    "cov.upload_bad": {"zh": "上传的文件无法使用：{reason}", "en": "The uploaded file cannot be used: {reason}"},
    "cov.upload_kind": {"zh": "只接受 .xlsx 或 .zip 文件", "en": "only .xlsx or .zip files are accepted"},
    "cov.upload_nocsv": {"zh": "压缩包里没有 CSV 表", "en": "the zip file holds no CSV tables"},
    "cov.uploaded": {"zh": "已载入上传的工作簿：{name}", "en": "Loaded the uploaded workbook: {name}"},
    "cov.tab.map": {"zh": "缺口热力图", "en": "Gap heatmap"},
    "cov.tab.timeline": {"zh": "时间线", "en": "Timeline"},
    "cov.tab.gaps": {"zh": "缺口明细", "en": "Gap details"},
    "cov.tab.cliffs": {"zh": "期满断崖", "en": "Term ends"},
    "cov.empty": {"zh": "所选范围内没有需求。", "en": "No demand in this selection."},
    # --- mentoring (青蓝工程 / 师徒结对, 导师帮带) ---------------------------------
    "mentor.title": {"zh": "师徒结对", "en": "Mentoring"},
    "mentor.new_pairs": {"zh": "新增师徒结对 {n} 对，涉及 {units} 个受援单位，其中专业对口 {exact} 对。",
                         "en": "{n} new mentoring pairs at {units} host units, {exact} of them with the same skill."},
    "mentor.new_cadre_pairs": {"zh": "为 {n} 名援派干部配备本地导师，涉及 {units} 个受援单位，其中同行业 {same} 名、专业对口 {exact} 名。",
                               "en": "{n} dispatched cadres given a local mentor at {units} host units, {same} in the "
                                     "same sector and {exact} with the same skill."},
    "mentor.none": {"zh": "没有可新增的结对。", "en": "No new pairs can be made."},
    "mentor.because.term": {"zh": "服务期满", "en": "term ends"},
    "mentor.because.pair": {"zh": "结对到期", "en": "pair ends"},
    # --- allocation ------------------------------------------------------------
    "alloc.why.pinned": {"zh": "人工锁定", "en": "pinned by the planner"},
    "alloc.why.preferred": {"zh": "优先结对关系", "en": "preferred pairing"},
    "alloc.why.exact_skill": {"zh": "专业完全对口", "en": "exact skill match"},
    "alloc.why.wish": {"zh": "本人志愿", "en": "the person's wish"},
    "alloc.why.fair_share": {"zh": "各派出城市均衡分担", "en": "fair share across sending cities"},
    "alloc.why.priority": {"zh": "按岗位优先级安排（无需比较其他人选）", "en": "seat priority alone (no tie to break)"},
    "alloc.reason.no_one_in_sector": {
        "zh": "没有行业、专业、级别或组长资格相符的人员",
        "en": "no one with the sector, skill, level or lead capability",
    },
    "alloc.reason.no_one_free": {
        "zh": "有相符人员，但都不能覆盖整个派驻期或已有派驻",
        "en": "matching people exist, but none is free over the whole stint",
    },
    "alloc.reason.pairing": {
        "zh": "有空闲人员，但独家结对关系（或排除设置）不允许",
        "en": "free people exist, but exclusive pairings (or forbids) exclude them all",
    },
    "alloc.reason.team_rule": {
        "zh": "有可派人员，但组团规则（同一来源或须有组长）不允许",
        "en": "people are free and allowed, but a team rule (same source or lead required) blocks them",
    },
    "alloc.reason.lost_to_higher_priority": {
        "zh": "可派人员已安排到更高优先级的岗位",
        "en": "the eligible free people were placed on higher-priority seats",
    },
    "alloc.reason.time_limit": {
        "zh": "有可派人员，但求解在时间限制内未能完成，不能证明此席位无法安排",
        "en": "free, allowed people exist, but the solver stopped at the time limit before settling this seat",
    },
    "alloc.rule.unknown_person": {"zh": "人员编号不存在", "en": "no such person (unknown person)"},
    "alloc.rule.unknown_order": {"zh": "订单编号不存在", "en": "no such order (unknown order)"},
    "alloc.rule.forbidden": {"zh": "同一组合也被设为排除", "en": "the same pair is also forbidden"},
    "alloc.rule.not_planned": {
        "zh": "该订单（或席位）不在本次规划期内",
        "en": "the order (or slot) has no seat in the planning window (not planned)",
    },
    "alloc.rule.sector": {"zh": "行业不符（本人 {have}，岗位 {need}）", "en": "sector differs (person {have}, order {need})"},
    "alloc.rule.skill": {"zh": "专业不符（本人 {have}，岗位 {need}）", "en": "skill differs (person {have}, order {need})"},
    "alloc.rule.level": {"zh": "级别不够（本人 {have}，至少 {need}）", "en": "level too low (person {have}, order needs {need})"},
    "alloc.rule.lead": {"zh": "组长岗位，但本人不能担任组长", "en": "a lead seat, but the person cannot lead"},
    "alloc.rule.availability": {
        "zh": "可派期不能覆盖整个派驻期（{start} 至 {end}）",
        "en": "not available over the whole stint ({start} to {end}) (availability)",
    },
    "alloc.rule.pairing": {
        "zh": "独家结对关系只允许 {senders} 的人员",
        "en": "an exclusive pairing admits only people under {senders} (exclusive pairing)",
    },
    "alloc.rule.busy": {
        "zh": "{start} 至 {end} 期间已有其他派驻",
        "en": "already busy with another assignment between {start} and {end} (busy)",
    },
    "alloc.rule.full": {"zh": "订单已满（共 {n} 个席位）", "en": "the order is full ({n} seats) (order full)"},
    "alloc.pin_error": {
        "zh": "锁定（{person}，{order}）无法成立：{rule}〔{code}〕",
        "en": "The pin ({person}, {order}) breaks a rule: {rule} [{code}]",
    },
    "alloc.bad_pin": {"zh": "锁定应为（人员，订单）或（人员，订单，时段）：{item}",
                      "en": "a pin is (person, order) or (person, order, slot): {item}"},
    "alloc.bad_forbid": {"zh": "排除应为（人员，订单）：{item}", "en": "a forbid is (person, order): {item}"},
    "alloc.bad_window": {
        "zh": "规划期“{window}”无效：应为（开始日期，结束日期），结束不早于开始",
        "en": "the window {window} is not valid: give (start, end) dates with end not before start",
    },
    "alloc.bad_method": {"zh": "未知的方法“{method}”（可选 optimal、stable）",
                         "en": "unknown method '{method}' (use optimal or stable)"},
    "alloc.bad_time_limit": {"zh": "时间限制应为正数（秒）：{value}",
                             "en": "the time limit must be a positive number of seconds: {value}"},
    "alloc.infeasible": {
        "zh": "锁定的安排与组团规则相互冲突，无法同时满足",
        "en": "the pins cannot all hold together with the team rules",
    },
    "alloc.time_limit_warning": {
        "zh": "达到时间限制：目标值 {value}，上界 {bound}，差距 {gap}（方案未必最优）",
        "en": "time limit reached: objective {value}, bound {bound}, gap {gap} (the plan may not be optimal)",
    },
    "alloc.status.optimal": {"zh": "已证明最优", "en": "proven optimal"},
    "alloc.status.time_limit": {"zh": "达到时间限制（未证明最优）", "en": "time limit (not proven optimal)"},
    "alloc.status.stable": {"zh": "稳定匹配（不保证最优）", "en": "stable matching (no optimality claim)"},
    "alloc.explain.person_head": {"zh": "{person}（{name}）本次安排 {n} 处：", "en": "{person} ({name}) is placed {n} time(s):"},
    "alloc.explain.person_line": {
        "zh": "  {order}（{host}，{sector}，{start} 至 {end}，优先级 {priority}）：{why}",
        "en": "  {order} ({host}, {sector}, {start} to {end}, priority {priority}): {why}",
    },
    "alloc.explain.person_none": {"zh": "{person}（{name}）本次未安排：{why}", "en": "{person} ({name}) is not placed: {why}"},
    "alloc.explain.no_seat": {
        "zh": "规划期内没有本人符合全部条件（行业、专业、级别、组长、可派期、结对）的空席位",
        "en": "no open seat in the window meets every rule for them (sector, skill, level, lead, availability, pairing)",
    },
    "alloc.explain.busy": {"zh": "本人已有在岗或计划派驻", "en": "they already hold an active or planned assignment"},
    "alloc.explain.taken": {
        "zh": "可去的 {n} 个席位已由更优先的安排占用，或因组团规则未派",
        "en": "the {n} seat(s) they could take went to others or were held by a team rule",
    },
    "alloc.explain.order_head": {"zh": "订单 {order}（{host}，{sector}，优先级 {priority}）",
                                 "en": "Order {order} ({host}, {sector}, priority {priority})"},
    "alloc.explain.order_counts": {
        "zh": "  规划期内席位 {seats} 个：已有在岗/计划 {existing} 个，本次安排 {new} 个，空缺 {empty} 个",
        "en": "  {seats} seat(s) in the window: {existing} already held, {new} newly placed, {empty} empty",
    },
    "alloc.explain.order_line": {"zh": "  {person}（{name}），{start} 至 {end}：{why}",
                                 "en": "  {person} ({name}), {start} to {end}: {why}"},
    "alloc.explain.order_empty": {"zh": "  空缺 {n} 个（{start} 至 {end}）：{reason}",
                                  "en": "  {n} empty ({start} to {end}): {reason}"},
    "alloc.explain.order_not_planned": {"zh": "  规划期内没有需要安排的席位", "en": "  no seat to plan in the window"},
    "alloc.explain.unknown": {"zh": "找不到人员或订单“{item}”", "en": "No person or order '{item}'"},
    "alloc.cli.title": {"zh": "分配方案：{source}", "en": "Allocation plan: {source}"},
    "alloc.cli.by_priority": {"zh": "按优先级：", "en": "By priority:"},
    "alloc.cli.priority_row": {
        "zh": "  优先级 {p}：待补 {open} 个，本次安排 {filled} 个，空缺 {empty} 个",
        "en": "  priority {p}: {open} open, {filled} filled, {empty} unfilled",
    },
    "alloc.cli.by_reason": {"zh": "空缺原因：", "en": "Unfilled seats by reason:"},
    "alloc.cli.reason_row": {"zh": "  {reason}：{n} 个", "en": "  {reason}: {n}"},
    "alloc.cli.none_unfilled": {"zh": "  没有空缺", "en": "  none"},
    "alloc.cli.solver": {
        "zh": "求解：{method}，{status}；目标值 {value}，上界 {bound}，差距 {gap}，用时 {seconds:.1f} 秒",
        "en": "Solver: {method}, {status}; objective {value}, bound {bound}, gap {gap}, {seconds:.1f} s",
    },
    "alloc.cli.blocking": {"zh": "阻塞对：{n} 个", "en": "Blocking pairs: {n}"},
    "alloc.cli.written": {"zh": "已写出方案：{path}", "en": "Plan written: {path}"},
    "alloc.cli.bad_window": {
        "zh": "--window 应为 开始:结束（如 2027-01-01:2027-12-31，任一端可留空）：{value}",
        "en": "--window must be START:END (e.g. 2027-01-01:2027-12-31, either end may be empty): {value}",
    },
    "alloc.cli.bad_out": {"zh": "输出文件应以 .xlsx 结尾：{path}", "en": "The output must end in .xlsx: {path}"},
    "alloc.roster.by_city": {"zh": "派遣名单-按派出城市", "en": "Roster by sending city"},
    "alloc.roster.by_host": {"zh": "派遣名单-按受援单位", "en": "Roster by host unit"},
    "alloc.roster.by_team": {"zh": "派遣名单-按组团", "en": "Roster by team"},
    "alloc.roster.status_new": {"zh": "本次安排", "en": "new in this plan"},
    "alloc.roster.status_active": {"zh": "在岗", "en": "on post"},
    "alloc.roster.status_planned": {"zh": "已计划", "en": "planned"},
    "alloc.roster.lead": {"zh": "组长", "en": "lead"},
    "alloc.roster.member": {"zh": "成员", "en": "member"},
    "alloc.roster.no_team": {"zh": "（无组团）", "en": "(no team)"},
    "alloc.roster.col.source_city": {"zh": "派出城市", "en": "Sending city"},
    "alloc.roster.col.sending_unit": {"zh": "派出单位", "en": "Sending unit"},
    "alloc.roster.col.person": {"zh": "人员编号", "en": "Person"},
    "alloc.roster.col.name": {"zh": "姓名", "en": "Name"},
    "alloc.roster.col.sector": {"zh": "行业", "en": "Sector"},
    "alloc.roster.col.skill": {"zh": "专业", "en": "Skill"},
    "alloc.roster.col.host_unit": {"zh": "受援单位", "en": "Host unit"},
    "alloc.roster.col.order": {"zh": "订单编号", "en": "Order"},
    "alloc.roster.col.role": {"zh": "角色", "en": "Role"},
    "alloc.roster.col.team": {"zh": "组团", "en": "Team"},
    "alloc.roster.col.start": {"zh": "开始日期", "en": "Start"},
    "alloc.roster.col.end": {"zh": "结束日期", "en": "End"},
    "alloc.roster.col.priority": {"zh": "优先级", "en": "Priority"},
    "alloc.roster.col.status": {"zh": "状态", "en": "Status"},
    "alloc.roster.col.reason": {"zh": "选派理由", "en": "Why chosen"},
    # --- scenario store (planning/store.py) --------------------------------------
    "store.source": {"zh": "场景“{name}”第 {version} 版", "en": "scenario '{name}' version {version}"},
    "store.bad_url": {
        "zh": "“{url}”不是本系统可用的数据库地址：{detail}",
        "en": "'{url}' is not a database address this store can use: {detail}",
    },
    "store.bad_schema": {
        "zh": "数据库模式名“{schema}”无效：只能用字母、数字和下划线，且不以数字开头。",
        "en": "The database schema name '{schema}' is not valid: use letters, digits and underscores, not starting with a digit.",
    },
    "store.db_error": {
        "zh": "无法使用数据库 {url}：{detail}",
        "en": "The database {url} cannot be used: {detail}",
    },
    "store.bad_format": {
        "zh": "数据库 {url} 中的场景库格式为 {have}，本版本只能读写格式 {want}。",
        "en": "The scenario store in {url} has format {have}; this version reads and writes format {want} only.",
    },
    "store.bad_name": {
        "zh": "场景名称应为非空文字（不超过 {max} 个字符，不含控制字符）：{name}",
        "en": "A scenario name must be non-empty text (at most {max} characters, no control characters): {name}",
    },
    "store.bad_version": {
        "zh": "版本号应为正整数（1、2、3…）：{version}",
        "en": "A version number must be a whole number from 1 up: {version}",
    },
    "store.bad_author": {
        "zh": "保存人应为非空文字（不超过 {max} 个字符）：{author}",
        "en": "The author must be non-empty text (at most {max} characters): {author}",
    },
    "store.not_workbook": {
        "zh": "只能保存工作簿（planning.Workbook），收到的是 {kind}；未保存任何内容。",
        "en": "Only a workbook (planning.Workbook) can be saved, not a {kind}; nothing was saved.",
    },
    "store.bad_table": {
        "zh": "表“{table}”不是数据表（{detail}），未保存任何内容。",
        "en": "The table '{table}' is not a data table ({detail}); nothing was saved.",
    },
    "store.bad_column": {
        "zh": "表“{table}”的“{column}”列无法保存（{detail}），未保存任何内容。",
        "en": "The column '{column}' of the table '{table}' cannot be stored ({detail}); nothing was saved.",
    },
    "store.no_scenario": {"zh": "没有名为“{name}”的场景。", "en": "There is no scenario named '{name}'."},
    "store.no_version": {
        "zh": "场景“{name}”没有第 {version} 版（现有版本：{have}）。",
        "en": "The scenario '{name}' has no version {version} (versions: {have}).",
    },
    "store.all_deleted": {
        "zh": "场景“{name}”的所有版本都已删除。",
        "en": "Every version of the scenario '{name}' has been deleted.",
    },
    "store.deleted": {
        "zh": "场景“{name}”的第 {version} 版已由 {who} 于 {when} 删除，不能载入或发布（可先恢复）。",
        "en": "Version {version} of the scenario '{name}' was deleted by {who} at {when}; it cannot be loaded or published (restore it first).",
    },
    "store.conflict_exists": {
        "zh": "已有名为“{name}”的场景（{who} 于 {when} 保存了第 {version} 版），本次未保存。"
              "如要在其上保存新版本，请指定 base={version}；否则请换一个名称。",
        "en": "A scenario named '{name}' already exists ({who} saved version {version} at {when}); nothing was saved. "
              "To save over it give base={version}, or choose another name.",
    },
    "store.conflict_stale": {
        "zh": "场景“{name}”已有更新的版本：{who} 于 {when} 保存了第 {latest} 版，而本次修改基于第 {base} 版。"
              "为免覆盖他人的修改，本次未保存；请载入第 {latest} 版，合并修改后再保存。",
        "en": "The scenario '{name}' has a newer version: {who} saved version {latest} at {when}, but this save "
              "started from version {base}. Nothing was saved, so no one's work is overwritten; load version "
              "{latest}, merge the changes and save again.",
    },
    "store.conflict_gone": {
        "zh": "场景“{name}”的第 {base} 版已由 {who} 于 {when} 删除，且没有其他版本，本次未保存；"
              "如要重新开始，请不指定 base 保存。",
        "en": "Version {base} of the scenario '{name}' was deleted by {who} at {when} and no other version is "
              "left; nothing was saved. To start again, save without a base.",
    },
    "store.conflict_base_deleted": {
        "zh": "本次修改基于的场景“{name}”第 {base} 版已由 {who} 于 {when} 删除，本次未保存；"
              "现有最新版本是 {author} 于 {saved} 保存的第 {latest} 版，请载入它，合并修改后再保存。",
        "en": "This save started from version {base} of the scenario '{name}', which {who} deleted at {when}; "
              "nothing was saved. The latest version is {latest}, saved by {author} at {saved}: load it, merge "
              "the changes and save again.",
    },
    "store.base_for_new": {
        "zh": "没有名为“{name}”的场景，无法在其第 {base} 版上保存；新场景请不指定 base。",
        "en": "There is no scenario named '{name}' to save over its version {base}; save a new scenario without a base.",
    },
    "store.save_failed": {
        "zh": "场景“{name}”保存失败，未保存任何内容：{detail}",
        "en": "Saving the scenario '{name}' failed and nothing was saved: {detail}",
    },
    "store.unreadable": {
        "zh": "场景“{name}”第 {version} 版的表“{table}”无法读取：{detail}",
        "en": "The table '{table}' of version {version} of the scenario '{name}' cannot be read: {detail}",
    },
    "store.delete_published": {
        "zh": "场景“{name}”的第 {version} 版正在发布（仪表盘显示的就是它），不能删除；请先发布其他版本。",
        "en": "Version {version} of the scenario '{name}' is the published one (the dashboards show it), so it "
              "cannot be deleted; publish another version first.",
    },
    "store.not_deleted": {
        "zh": "场景“{name}”的第 {version} 版没有被删除，无需恢复。",
        "en": "Version {version} of the scenario '{name}' is not deleted; there is nothing to restore.",
    },
    # --- scenario report (planning report) ---------------------------------------
    "report.title": {"zh": "对口支援方案报告", "en": "Counterpart-support scenario report"},
    "report.team_name": {"zh": "{host}组团", "en": "{host} team"},
    "report.sheet.cover": {"zh": "概况", "en": "Summary"},
    "report.sheet.gaps": {"zh": "缺口-县市×行业", "en": "Gaps by county x sector"},
    "report.sheet.teams": {"zh": "各组团名单", "en": "Teams"},
    "report.sheet.persons": {"zh": "一人一档", "en": "Person records"},
    "report.sheet.unfilled": {"zh": "空缺席位及原因", "en": "Unfilled seats"},
    "report.col.item": {"zh": "项目", "en": "Item"},
    "report.col.value": {"zh": "内容", "en": "Value"},
    "report.col.category": {"zh": "人员类别", "en": "Category"},
    "report.col.post": {"zh": "岗位", "en": "Post"},
    "report.col.mentors": {"zh": "本地导师", "en": "Mentor(s)"},
    "report.col.apprentices": {"zh": "带教徒弟", "en": "Apprentice(s)"},
    "report.col.stints": {"zh": "派驻次数", "en": "Stints"},
    "report.col.peak_gap": {"zh": "期内最大缺口", "en": "Peak gap in the period"},
    "report.col.peak_month": {"zh": "最大缺口月份", "en": "Month of the largest gap"},
    "report.col.seats": {"zh": "空缺席位", "en": "Seats"},
    "report.scenario": {"zh": "方案", "en": "Scenario"},
    "report.source": {"zh": "数据来源", "en": "Data"},
    "report.date": {"zh": "报告日期", "en": "Report date"},
    "report.period": {"zh": "统计期", "en": "Period"},
    "report.period_value": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
    "report.dispatched": {"zh": "统计期内派驻人员", "en": "People dispatched in the period"},
    "report.on_post": {"zh": "在岗人数（{day}）", "en": "People on post ({day})"},
    "report.filled": {"zh": "岗位到位（{month}）", "en": "Seats filled ({month})"},
    "report.ratio": {"zh": "满足率（{month}）", "en": "Coverage ratio ({month})"},
    "report.band": {"zh": "满足率等级", "en": "Coverage band"},
    "report.gap": {"zh": "缺口（{month}）", "en": "Gap ({month})"},
    "report.gap_rows": {"zh": "有缺口的县市×行业（{month}）", "en": "County × sector rows with a gap ({month})"},
    "report.peak": {"zh": "统计期内最大缺口", "en": "Largest gap in the period"},
    "report.peak_value": {"zh": "{gap}（{month}）", "en": "{gap} ({month})"},
    "report.teams": {"zh": "组团数", "en": "Teams"},
    "report.unfilled": {"zh": "方案空缺席位", "en": "Seats the plan leaves unfilled"},
    "report.contents": {"zh": "目录", "en": "Contents"},
    "report.none": {"zh": "（无）", "en": "(none)"},
    "report.people_count": {"zh": "{n} 人", "en": "{n} people"},
    "report.cli.written": {"zh": "已写出报告：{path}", "en": "Report written: {path}"},
    "report.cli.bad_out": {"zh": "输出文件应以 .xlsx 结尾：{path}", "en": "The output must end in .xlsx: {path}"},
    "report.cli.bad_html": {"zh": "网页文件应以 .html 结尾：{path}", "en": "The HTML page must end in .html: {path}"},
    "report.cli.cannot_write": {"zh": "无法写入 {path}：{reason}", "en": "Cannot write {path}: {reason}"},
}

SECTORS_ZH_EN = {
    "教育": "Education", "医疗": "Health", "党政": "Government", "农业": "Agriculture",
    "规划建设": "Planning & building", "招商": "Investment", "文旅": "Culture & tourism",
    "公共卫生": "Public health", "畜牧": "Animal husbandry", "水利": "Water",
}


def default_lang() -> str:
    """Language from ``PLANNING_LANG`` (``zh`` unless set to ``en``)."""
    lang = os.environ.get("PLANNING_LANG", "zh").lower()
    return lang if lang in LANGS else "zh"


def t(key: str, lang: str | None = None, **kw) -> str:
    """Text for ``key`` in ``lang``, formatted with ``kw``."""
    lang = lang or default_lang()
    entry = TEXT[key]
    return entry.get(lang, entry["zh"]).format(**kw)


def fmt_int(n, lang: str | None = None) -> str:
    """A whole number with thousands separators."""
    return f"{int(n):,}"


def fmt_date(d, lang: str | None = None) -> str:
    """A date: ``2026年4月1日`` in Chinese, ``2026-04-01`` in English."""
    import pandas as pd

    if d is None or pd.isna(d):
        return ""
    d = pd.Timestamp(d)
    lang = lang or default_lang()
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.strftime("%Y-%m-%d")


def sector_label(sector: str, lang: str | None = None) -> str:
    """A sector name in a language (sectors are written in Chinese in the data)."""
    lang = lang or default_lang()
    return sector if lang == "zh" else SECTORS_ZH_EN.get(sector, sector)
