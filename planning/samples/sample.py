"""The sample programme shipped in ``data/sample``.

Drawn from published counterpart-support programmes: Shandong's 15 cities each
staffing one Kashgar school with an embedded team (一市包一校), two cadres in each
of 21 Kashgar townships, provincial hospitals each staffing one hospital
department (院包科), Zaozhuang Shizhong district's 3-month flexible batches at
the XPCC 12th division's Xishan farm, Taizhou doctors at the 1st division
(Aral), Chun'an's 16 talents at Batang in three groups, and Fushan county's 30
cadres in 20 villages with local mentors. The management grid: Batang's team
leader over its three groups, the 1st division's three-level grid (HQ → host
units → people) and Yengisar's township teams under one work group. Place and institution names are real
or plausible; every person is synthetic.

``python -m planning.samples.sample data/sample`` rewrites the shipped folder; the
result is deterministic.
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from ..contract import schema
from ..contract import Workbook, empty_table, save_workbook

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨曦雪琳婷欣怡佳颖子涵梓轩俊峰海波立新春燕晓东宏亮永庆利民德胜振海")

SD_CITIES = [  # id, name, lon, lat
    ("JN", "济南市", 117.12, 36.65), ("QD", "青岛市", 120.38, 36.07), ("ZB", "淄博市", 118.05, 36.81),
    ("ZZ", "枣庄市", 117.32, 34.81), ("DY", "东营市", 118.67, 37.43), ("YT", "烟台市", 121.45, 37.46),
    ("WF", "潍坊市", 119.16, 36.71), ("JNG", "济宁市", 116.59, 35.41), ("TA", "泰安市", 117.09, 36.20),
    ("WH", "威海市", 122.12, 37.51), ("RZ", "日照市", 119.53, 35.42), ("LY", "临沂市", 118.36, 35.10),
    ("DZ", "德州市", 116.36, 37.44), ("LC", "聊城市", 115.99, 36.46), ("BZ", "滨州市", 117.97, 37.38),
]
KS_COUNTIES = [  # id, name, lon, lat, townships
    ("SL", "疏勒县", 76.05, 39.40, ["巴仁乡", "洋大曼乡", "罕南力克镇", "塔孜洪乡"]),
    ("SF", "疏附县", 75.86, 39.38, ["塔什米里克乡", "站敏乡", "布拉克苏乡", "萨依巴格乡"]),
    ("YJS", "英吉沙县", 76.17, 38.93, ["芒辛镇", "乌恰镇", "萨罕乡", "城关乡"]),
    ("YPH", "岳普湖县", 76.77, 39.23, ["铁热木镇", "阿洪鲁库木乡", "色也克乡"]),
    ("JS", "伽师县", 76.72, 39.49, ["卧里托格拉克镇", "克孜勒苏乡", "和夏阿瓦提镇"]),
    ("MGT", "麦盖提县", 77.65, 38.90, ["央塔克乡", "希依提墩乡", "库木库萨尔乡"]),
]
SCHOOLS = [  # county, school name (15 city-paired first, then 6 province-staffed)
    ("SL", "疏勒县第一中学"), ("SL", "疏勒县实验中学"), ("SL", "疏勒县第二小学"),
    ("SF", "疏附县第一中学"), ("SF", "疏附县实验学校"), ("SF", "疏附县第三小学"),
    ("YJS", "英吉沙县第一中学"), ("YJS", "英吉沙县实验中学"), ("YPH", "岳普湖县第一中学"),
    ("YPH", "岳普湖县实验小学"), ("JS", "伽师县第一中学"), ("JS", "伽师县第二中学"),
    ("MGT", "麦盖提县第一中学"), ("MGT", "麦盖提县实验中学"), ("KS", "喀什地区第二中学"),
    ("KS", "喀什地区第六中学"), ("SL", "疏勒县职业技术学校"), ("SF", "疏附县第二中学"),
    ("YJS", "英吉沙县第二小学"), ("JS", "伽师县第三中学"), ("MGT", "麦盖提县第二小学"),
]
SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "政治", "信息技术", "体育", "音乐", "美术"]
HOSPITALS = [  # sending hospital id, name, city, host hospital id, host name, county, department
    ("QLYY", "山东大学齐鲁医院", "JN", "KSDY", "喀什地区第一人民医院", "KS", "心血管内科"),
    ("SLYY", "山东省立医院", "JN", "KSDE", "喀什地区第二人民医院", "KS", "儿科"),
    ("QFS", "山东省千佛山医院", "JN", "SLYYH", "疏勒县人民医院", "SL", "骨科"),
    ("QDFY", "青岛大学附属医院", "QD", "SFYYH", "疏附县人民医院", "SF", "妇产科"),
    ("ZLYY", "山东省肿瘤医院", "JN", "YJSYY", "英吉沙县人民医院", "YJS", "肿瘤科"),
    ("YHD", "烟台毓璜顶医院", "YT", "JSYY", "伽师县人民医院", "JS", "急诊科"),
]
FUSHAN_TOWNSHIPS = {"米家垣乡": 4, "张庄乡": 4, "天坛镇": 4, "北王乡": 4, "响水河镇": 4}


class _Builder:
    def __init__(self, seed: int = 2026):
        self.rng = np.random.default_rng(seed)
        self.regions, self.units, self.pairings, self.people = [], [], [], []
        self.teams, self.orders, self.assignments = [], [], []
        self.mentorships, self.local_staff, self.indicators = [], [], []
        self.management_units = []
        self.term_rules = []
        self.indicator_definitions, self.indicator_values = [], []
        self.assessment_items, self.assessments = [], []
        self.grade_thresholds = []
        self.batches, self.quotas, self.sender_staff = [], [], []
        self.n_people = 0
        self.n_local = 0
        self.names: set[str] = set()

    # ---- helpers -------------------------------------------------------
    def name(self) -> str:
        for _ in range(1000):
            g = "".join(self.rng.choice(GIVEN, size=int(self.rng.integers(1, 3))))
            n = str(self.rng.choice(SURNAMES)) + g
            if n not in self.names:
                self.names.add(n)
                return n
        return n  # pragma: no cover

    def region(self, id, name, level, parent, side, lon=None, lat=None):
        self.regions.append(dict(id=id, name=name, level=level, parent=parent, side=side, lon=lon, lat=lat))
        return id

    def unit(self, id, name, kind, region, side):
        self.units.append(dict(id=id, name=name, kind=kind, region=region, side=side))
        return id

    def pairing(self, sender, host, sector=None, scope="exclusive", start=None, end=None):
        self.pairings.append(dict(sender=sender, host=host, sector=sector, scope=scope, start=start, end=end))

    def person(self, unit, category, sector, skill=None, level=None, can_lead=False, program="planned",
               available_from="2025-01-01", available_to="2029-12-31", wishes=None):
        self.n_people += 1
        pid = f"P{self.n_people:04d}"
        if level is None:
            level = int(self.rng.choice([1, 2, 2, 3, 3, 4])) if not can_lead else int(self.rng.choice([3, 4]))
        self.people.append(dict(id=pid, name=self.name(), sending_unit=unit, category=category, sector=sector,
                                skill=skill, level=level, can_lead=can_lead, program=program,
                                available_from=available_from, available_to=available_to, wishes=wishes))
        return pid

    def team(self, id, host, model, same_source=False, lead_required=False):
        self.teams.append(dict(id=id, host=host, model=model, same_source=same_source, lead_required=lead_required))
        return id

    def order(self, id, host_unit, sector, skill, role, headcount, start, end, priority=3, min_level=1,
              team=None, rotation_months=None):
        self.orders.append(dict(id=id, host_unit=host_unit, sector=sector, skill=skill, role=role,
                                headcount=headcount, start=start, end=end, priority=priority,
                                min_level=min_level, team=team, rotation_months=rotation_months))
        return id

    def assign(self, person, order, start, end, status="active"):
        self.assignments.append(dict(person=person, order=order, start=start, end=end, status=status))

    def local(self, host_unit, sector=None, skill=None):
        self.n_local += 1
        lid = f"L{self.n_local:04d}"
        self.local_staff.append(dict(id=lid, name=self.name(), host_unit=host_unit, sector=sector, skill=skill))
        return lid

    def staff(self, order_id, unit, category, sector, skill, n, start, end, can_lead=False, fill=1.0,
              ends=None, min_level=1):
        """People for an order: ``fill`` share of seats staffed, terms ending at ``ends``."""
        out = []
        for k in range(n):
            if self.rng.random() > fill:
                continue
            level = max(min_level, int(self.rng.choice([1, 2, 2, 3, 3, 4]))) if not can_lead else None
            pid = self.person(unit, category, sector, skill, level=level, can_lead=can_lead,
                              available_from=start, available_to="2029-12-31")
            e = ends[k % len(ends)] if ends else end
            self.assign(pid, order_id, start, e, "active" if pd.Timestamp(start) <= TODAY else "planned")
            out.append(pid)
        return out

    # ---- the programmes ---------------------------------------------------
    def geography(self):
        self.region("SD", "山东省", "province", None, "sending", 117.0, 36.67)
        for cid, name, lon, lat in SD_CITIES:
            self.region(f"SD-{cid}", name, "city", "SD", "sending", lon, lat)
        self.region("SD-ZZ-SZ", "枣庄市市中区", "district", "SD-ZZ", "sending", 117.56, 34.86)
        self.region("ZJ", "浙江省", "province", None, "sending", 120.15, 30.27)
        self.region("ZJ-TZ", "台州市", "city", "ZJ", "sending", 121.42, 28.66)
        self.region("ZJ-HZ", "杭州市", "city", "ZJ", "sending", 120.16, 30.27)
        self.region("ZJ-HZ-CA", "淳安县", "county", "ZJ-HZ", "sending", 119.04, 29.61)
        self.region("SX", "山西省", "province", None, "sending", 112.55, 37.87)
        self.region("SX-LF", "临汾市", "city", "SX", "sending", 111.52, 36.09)
        self.region("SX-LF-FS", "浮山县（县直机关）", "county", "SX-LF", "sending", 111.85, 35.97)
        # host side
        self.region("XJ", "新疆维吾尔自治区", "province", None, "host", 87.62, 43.79)
        self.region("XJ-KS", "喀什地区", "prefecture", "XJ", "host", 75.99, 39.47)
        self.region("XJ-KS-KS", "喀什市", "city", "XJ-KS", "host", 75.99, 39.47)
        for cid, name, lon, lat, towns in KS_COUNTIES:
            self.region(f"XJ-KS-{cid}", name, "county", "XJ-KS", "host", lon, lat)
            for k, tn in enumerate(towns):
                self.region(f"XJ-KS-{cid}-T{k + 1}", tn, "township", f"XJ-KS-{cid}", "host",
                            lon + 0.08 * np.cos(k * 1.7), lat + 0.08 * np.sin(k * 1.7))
        self.region("BT", "新疆生产建设兵团", "province", None, "host", 87.60, 43.80)
        self.region("BT-12", "第十二师", "division", "BT", "host", 87.53, 43.83)
        self.region("BT-12-XS", "西山农牧场", "regiment", "BT-12", "host", 87.36, 43.71)
        self.region("BT-12-104", "一〇四团", "regiment", "BT-12", "host", 87.25, 44.12)
        self.region("BT-1", "第一师（阿拉尔市）", "division", "BT", "host", 81.28, 40.55)
        self.region("SC", "四川省", "province", None, "host", 104.07, 30.67)
        self.region("SC-GZ", "甘孜藏族自治州", "prefecture", "SC", "host", 101.96, 30.05)
        self.region("SC-GZ-BT", "巴塘县", "county", "SC-GZ", "host", 99.11, 30.00)
        self.region("SXH", "浮山县", "county", None, "host", 111.85, 35.97)
        for k, (tn, nv) in enumerate(FUSHAN_TOWNSHIPS.items()):
            self.region(f"SXH-T{k + 1}", tn, "township", "SXH", "host",
                        111.85 + 0.07 * np.cos(k * 1.25), 35.97 + 0.07 * np.sin(k * 1.25))

    def schools(self):
        """一市包一校: 15 cities, 15 schools, plus 6 schools staffed province-wide (21, ~269 teachers)."""
        self.unit("SD-JYT", "山东省教育厅", "government", "SD", "sending")
        self.pairing("SD", "XJ-KS", None, "preferred", "2024-01-01", "2028-12-31")
        for cid, cname, *_ in SD_CITIES:
            self.unit(f"SD-{cid}-JYJ", f"{cname}教育局", "government", f"SD-{cid}", "sending")
        start, end = "2026-02-01", "2028-07-31"
        ends = ["2027-01-31", "2027-07-31", "2027-07-31", "2028-07-31"]
        for k, (county, sname) in enumerate(SCHOOLS):
            region = "XJ-KS-KS" if county == "KS" else f"XJ-KS-{county}"
            uid = self.unit(f"H-SCH{k + 1:02d}", sname, "school", region, "host")
            paired = k < 15
            sender_unit = f"SD-{SD_CITIES[k][0]}-JYJ" if paired else "SD-JYT"
            if paired:
                self.pairing(f"SD-{SD_CITIES[k][0]}", uid, "教育", "exclusive", "2026-01-01", "2028-12-31")
            tid = self.team(f"T-SCH{k + 1:02d}", uid, "school", same_source=paired, lead_required=True)
            o = f"O-SCH{k + 1:02d}"
            self.order(f"{o}-L", uid, "教育", "学校管理", "lead", 1, start, end, 5, 3, tid)
            self.staff(f"{o}-L", sender_unit, "cadre", "教育", "学校管理", 1, start, "2028-07-31", can_lead=True)
            self.order(f"{o}-M", uid, "教育", "教学管理", "member", 2, start, end, 4, 2, tid)
            self.staff(f"{o}-M", sender_unit, "professional", "教育", "教学管理", 2, start, end, fill=0.9,
                       ends=ends, min_level=2)
            subjects = self.rng.choice(SUBJECTS[:9], size=4, replace=False)
            for j, subj in enumerate(subjects):
                hc = int(self.rng.choice([2, 2, 3, 3, 3]))
                oid = f"{o}-S{j + 1}"
                self.order(oid, uid, "教育", str(subj), "member", hc, start, end, int(self.rng.choice([2, 3, 3, 4])),
                           1, tid)
                self.staff(oid, sender_unit, "professional", "教育", str(subj), hc, start, end, fill=0.88, ends=ends)
            for _ in range(5):
                self.local(uid, "教育", str(self.rng.choice(SUBJECTS[:9])))
            for _ in range(6):  # draws once spent on the old indicators (see ``results``): every later row stays
                self.rng.uniform(0.85, 1.15)
        # a bilingual-teaching need no one in the pool can fill
        self.order("O-SCH01-BL", "H-SCH01", "教育", "双语教学", "member", 1, start, end, 3, 1, "T-SCH01")
        # a pool of teachers available for the next batch, some with wishes
        for k in range(24):
            cid = SD_CITIES[k % 15][0]
            self.person(f"SD-{cid}-JYJ", "professional", "教育", SUBJECTS[k % 9], program="planned",
                        available_from="2026-01-15", available_to="2029-07-31",
                        wishes=f"H-SCH{(k % 15) + 1:02d}" + (";H-SCH16" if k % 4 == 0 else ""))
        for k in range(3):
            self.person(f"SD-{SD_CITIES[k][0]}-JYJ", "cadre", "教育", "学校管理", can_lead=True,
                        available_from="2026-01-15", available_to="2029-07-31")

    def townships(self):
        """Two cadres for each of 21 townships, from the cities paired with each county."""
        for cid, cname, *_ in SD_CITIES:
            self.unit(f"SD-{cid}-SZJG", f"{cname}市直机关", "government", f"SD-{cid}", "sending")
        start, end = "2025-03-01", "2028-02-29"
        k = 0
        for ci, (county, cname, lon, lat, towns) in enumerate(KS_COUNTIES):
            cities = [SD_CITIES[(2 * ci + j) % 15][0] for j in range(3)]
            for city in cities[:2]:
                self.pairing(f"SD-{city}", f"XJ-KS-{county}", "党政", "preferred", "2025-01-01", "2028-12-31")
            for ti, tn in enumerate(towns):
                k += 1
                uid = self.unit(f"H-TWN{k:02d}", f"{tn}人民政府", "township", f"XJ-KS-{county}-T{ti + 1}", "host")
                tid = self.team(f"T-TWN{k:02d}", uid, "pair", same_source=True, lead_required=True)
                city = cities[ti % 2]
                unit = f"SD-{city}-SZJG"
                self.order(f"O-TWN{k:02d}-L", uid, "党政", "乡村振兴", "lead", 1, start, end, 5, 3, tid)
                self.order(f"O-TWN{k:02d}-M", uid, "党政", "基层治理", "member", 1, start, end, 4, 1, tid)
                e1 = "2028-02-29" if k % 3 else "2026-12-31"
                self.staff(f"O-TWN{k:02d}-L", unit, "cadre", "党政", "乡村振兴", 1, start, end, can_lead=True,
                           ends=[e1])
                self.staff(f"O-TWN{k:02d}-M", unit, "cadre", "党政", "基层治理", 1, start, end, fill=0.85,
                           ends=["2027-02-28" if k % 4 == 0 else "2028-02-29"])
        for k in range(6):  # replacements available from 2027
            city = SD_CITIES[k][0]
            self.person(f"SD-{city}-SZJG", "cadre", "党政", "乡村振兴" if k % 2 else "基层治理",
                        can_lead=bool(k % 2), available_from="2025-01-01", available_to="2029-12-31")

    def hospitals(self):
        """院包科: each provincial hospital staffs one department of one Kashgar hospital."""
        start, end = "2026-03-01", "2027-02-28"
        for k, (sid, sname, city, hid, hname, county, dept) in enumerate(HOSPITALS):
            self.unit(f"SD-{sid}", sname, "hospital", f"SD-{city}", "sending")
            region = "XJ-KS-KS" if county == "KS" else f"XJ-KS-{county}"
            uid = self.unit(f"H-{hid}", hname, "hospital", region, "host")
            self.pairing(f"SD-{sid}", uid, "医疗", "exclusive", "2026-01-01", "2027-12-31")
            tid = self.team(f"T-HOS{k + 1}", uid, "department", same_source=True, lead_required=True)
            self.order(f"O-HOS{k + 1}-L", uid, "医疗", dept, "lead", 1, start, end, 5, 3, tid)
            self.order(f"O-HOS{k + 1}-M", uid, "医疗", dept, "member", 4, start, end, 4, 2, tid)
            self.staff(f"O-HOS{k + 1}-L", f"SD-{sid}", "professional", "医疗", dept, 1, start, end, can_lead=True)
            self.staff(f"O-HOS{k + 1}-M", f"SD-{sid}", "professional", "医疗", dept, 4, start, end, fill=0.8,
                       ends=["2026-08-31", "2027-02-28"], min_level=2)
            for _ in range(4):
                self.local(uid, "医疗", dept)
            for _ in range(2):  # next-year doctors
                self.person(f"SD-{sid}", "professional", "医疗", dept, available_from="2026-01-01",
                            available_to="2027-06-30", level=3)

    def xishan(self):
        """Zaozhuang Shizhong district's 3-month flexible, order-based batches at Xishan farm."""
        for uid, name in [("SD-ZZSZ-ZZB", "枣庄市市中区委组织部"), ("SD-ZZSZ-FGJ", "枣庄市市中区发展和改革局"),
                          ("SD-ZZSZ-ZJJ", "枣庄市市中区住房和城乡建设局"), ("SD-ZZSZ-ZWJ", "枣庄市市中区行政审批服务局")]:
            self.unit(uid, name, "government", "SD-ZZ-SZ", "sending")
        hq = self.unit("H-XS-JG", "西山农牧场机关", "government", "BT-12-XS", "host")
        svc = self.unit("H-XS-BM", "西山农牧场便民服务中心", "government", "BT-12-XS", "host")
        self.pairing("SD-ZZ-SZ", "BT-12-XS", None, "exclusive", "2026-01-01", "2027-12-31")
        start, end = "2026-04-01", "2027-03-31"
        slots = [("2026-04-01", "2026-06-30", "done"), ("2026-07-01", "2026-09-30", "done"),
                 ("2026-10-01", "2026-12-31", "active")]
        plan = [("O-XS-ZS", hq, "招商", "招商引资", 3, "SD-ZZSZ-FGJ"), ("O-XS-JS", hq, "规划建设", "城镇建设", 3, "SD-ZZSZ-ZJJ"),
                ("O-XS-ZW", svc, "党政", "政务服务", 3, "SD-ZZSZ-ZWJ")]
        for oid, uid, sector, skill, hc, sunit in plan:
            self.order(oid, uid, sector, skill, "member", hc, start, end, 3, 1, None, 3)
            for s0, s1, status in slots:
                n = hc if status == "done" else hc - (1 if oid == "O-XS-JS" else 0)
                for _ in range(n):
                    pid = self.person(sunit, "cadre", sector, skill, program="flexible",
                                      available_from=s0, available_to=s1)
                    self.assign(pid, oid, s0, s1, status)
            for _ in range(2):  # the pool for the open January–March slot
                self.person(sunit, "cadre", sector, skill, program="flexible",
                            available_from="2027-01-01", available_to="2027-03-31")
        self.order("O-104-JY", self.unit("H-104-XX", "一〇四团中学", "school", "BT-12-104", "host"),
                   "教育", "数学", "member", 2, "2026-09-01", "2027-07-31", 3, 1)

    def aral(self):
        """Taizhou doctors at the 1st division (Aral)."""
        self.unit("ZJ-TZ-WJW", "台州市卫生健康委员会", "government", "ZJ-TZ", "sending")
        self.unit("ZJ-TZ-CDC", "台州市疾病预防控制中心", "cdc", "ZJ-TZ", "sending")
        hosp = self.unit("H-ALE-YY", "第一师阿拉尔医院", "hospital", "BT-1", "host")
        cdc = self.unit("H-ALE-CDC", "第一师疾病预防控制中心", "cdc", "BT-1", "host")
        self.pairing("ZJ-TZ", "BT-1", None, "exclusive", "2025-01-01", "2027-12-31")
        start, end = "2025-08-01", "2027-01-31"
        for k, dept in enumerate(["心身科", "心血管内科", "神经内科", "骨科", "麻醉科"]):
            hc = 2
            oid = self.order(f"O-ALE-{k + 1}", hosp, "医疗", dept, "member", hc, start, end, 4, 2)
            self.staff(oid, "ZJ-TZ-WJW", "professional", "医疗", dept, hc, start, end, fill=0.85,
                       ends=["2026-07-31", "2027-01-31"], min_level=2)
        oid = self.order("O-ALE-CDC", cdc, "公共卫生", "传染病防控", "member", 1, start, end, 5, 3)
        self.staff(oid, "ZJ-TZ-CDC", "professional", "公共卫生", "传染病防控", 1, start, end, min_level=3)

    def batang(self):
        """Chun'an's 16 talents at Batang: team leader + three groups with group leaders."""
        self.unit("ZJ-CA-JG", "淳安县机关", "government", "ZJ-HZ-CA", "sending")
        self.unit("ZJ-CA-YY", "淳安县第一人民医院", "hospital", "ZJ-HZ-CA", "sending")
        self.unit("ZJ-CA-JY", "淳安县教育局", "government", "ZJ-HZ-CA", "sending")
        self.pairing("ZJ-HZ-CA", "SC-GZ-BT", None, "exclusive", "2021-07-01", "2027-12-31")
        gov = self.unit("H-BT-XW", "巴塘县委县政府", "government", "SC-GZ-BT", "host")
        hos = self.unit("H-BT-YY", "巴塘县人民医院", "hospital", "SC-GZ-BT", "host")
        sch = self.unit("H-BT-ZX", "巴塘县中学", "school", "SC-GZ-BT", "host")
        start, end = "2026-07-01", "2027-12-31"
        groups = [("T-BT-GOV", gov, "党政", "ZJ-CA-JG", "cadre", ["经济发展", "乡村振兴", "文旅"], 6),
                  ("T-BT-DOC", hos, "医疗", "ZJ-CA-YY", "professional", ["内科", "外科", "藏医"], 5),
                  ("T-BT-EDU", sch, "教育", "ZJ-CA-JY", "professional", ["数学", "语文", "英语"], 5)]
        for tid, uid, sector, sunit, cat, skills, size in groups:
            self.team(tid, uid, "1+x", same_source=True, lead_required=True)
            self.order(f"O-{tid[2:]}-L", uid, sector, None, "lead", 1, start, end, 5, 3, tid)
            self.staff(f"O-{tid[2:]}-L", sunit, cat, sector, skills[0], 1, start, end, can_lead=True)
            rest = size - 1
            for j, sk in enumerate(skills):
                hc = rest // len(skills) + (1 if j < rest % len(skills) else 0)
                if hc == 0:
                    continue
                oid = self.order(f"O-{tid[2:]}-{j + 1}", uid, sector, sk, "member", hc, start, end, 3, 1, tid)
                if sk != "藏医":  # no Tibetan-medicine doctor in the sending pool
                    self.staff(oid, sunit, cat, sector, sk, hc, start, end)
        self.order("O-BT-DZ", gov, "党政", "挂职领队", "lead", 1, start, end, 5, 4, "T-BT-GOV")
        self.staff("O-BT-DZ", "ZJ-CA-JG", "cadre", "党政", "挂职领队", 1, start, end, can_lead=True)

    def fushan(self):
        """Fushan county's 30 cadres in 20 villages, each with one local mentor (导师帮带)."""
        units = [("SX-FS-ZZB", "浮山县委组织部"), ("SX-FS-NYJ", "浮山县农业农村局"), ("SX-FS-JYJ", "浮山县教育局"),
                 ("SX-FS-WJJ", "浮山县卫生健康局"), ("SX-FS-CZJ", "浮山县财政局")]
        for uid, name in units:
            self.unit(uid, name, "government", "SX-LF-FS", "sending")
        self.pairing("SX-LF-FS", "SXH", "党政", "exclusive", "2026-04-01", "2029-12-31")
        start, end = "2026-04-15", "2029-04-14"
        v = 0
        for ti, (tn, nv) in enumerate(FUSHAN_TOWNSHIPS.items()):
            town = self.unit(f"H-FS-T{ti + 1}", f"{tn}人民政府", "township", f"SXH-T{ti + 1}", "host")
            mentors = [self.local(town, "党政", "基层治理") for _ in range(3)]
            for j in range(nv):
                v += 1
                rid = self.region(f"SXH-T{ti + 1}-V{j + 1}", f"{tn[:-1]}第{j + 1}村", "village", f"SXH-T{ti + 1}",
                                  "host", 111.85 + 0.07 * np.cos(ti * 1.25) + 0.02 * np.cos(j * 1.6),
                                  35.97 + 0.07 * np.sin(ti * 1.25) + 0.02 * np.sin(j * 1.6))
                uid = self.unit(f"H-FS-V{v:02d}", f"{tn[:-1]}第{j + 1}村村民委员会", "village", rid, "host")
                two = v <= 10
                tid = self.team(f"T-FS-V{v:02d}", uid, "pair" if two else "custom", same_source=False,
                                lead_required=two)
                self.order(f"O-FS-V{v:02d}-L", uid, "党政", "乡村振兴", "lead", 1, start, end, 5, 2, tid)
                pids = self.staff(f"O-FS-V{v:02d}-L", units[v % len(units)][0], "cadre", "党政", "乡村振兴", 1,
                                  start, end, can_lead=True)
                if two:
                    self.order(f"O-FS-V{v:02d}-M", uid, "党政", "基层治理", "member", 1, start, end, 3, 1, tid)
                    pids += self.staff(f"O-FS-V{v:02d}-M", units[(v + 2) % len(units)][0], "cadre", "党政",
                                       "基层治理", 1, start, end)
                for pid in pids:
                    self.mentorships.append(dict(mentor=mentors[len(self.mentorships) % 3], apprentice=pid,
                                                 host_unit=town, start="2026-05-01", end="2027-04-30"))

    def school_mentoring(self):
        """青蓝工程: each school's lead mentors two local teachers."""
        a = pd.DataFrame(self.assignments)
        local = pd.DataFrame(self.local_staff)
        orders = pd.DataFrame(self.orders).set_index("id")
        for k in range(1, 22):
            uid = f"H-SCH{k:02d}"
            on = a[a["order"].map(orders["host_unit"]).eq(uid) & a["order"].str.endswith("-S1")]
            ls = local[local["host_unit"].eq(uid)]["id"].tolist()
            for j, pid in enumerate(on["person"].tolist()[:2]):
                for lid in ls[2 * j:2 * j + 2]:
                    self.mentorships.append(dict(mentor=pid, apprentice=lid, host_unit=uid,
                                                 start="2026-03-01", end=str(a.set_index("person").loc[pid, "end"])))

    def management(self):
        """Who leads whom (issue 20): Chun'an's 队长 + 小组长 + 队员 at Batang, Zhejiang's three-level grid at the
        1st division, and Yengisar's township cadre teams under one work group. Only new rows and columns: no
        existing row changes, so every other figure of the sample stays as it was."""
        a = pd.DataFrame(self.assignments)
        people = {p["id"]: p for p in self.people}

        def holders(prefix, end=None):
            on = a[a["order"].str.startswith(prefix)]
            if end is not None:
                on = on[on["end"].eq(end)]
            return on["person"].tolist()

        def unit(id, name, kind, level, parent=None, leader=None, team=None, host=None):
            self.management_units.append(dict(id=id, name=name, kind=kind, level=level, parent=parent,
                                              leader=leader, team=team, host=host))

        # Batang: the team leader (挂职领队, on the cadre group's second lead seat) over three groups, each led by
        # whoever holds its team's lead seat; members belong to their group through their team
        unit("BT-WG", "淳安县援派巴塘工作队", "work_group", 1, leader=holders("O-BT-DZ")[0], host="SC-GZ-BT")
        for gid, name, team, host in [("BT-GRP-GOV", "机关党政干部组", "T-BT-GOV", "H-BT-XW"),
                                      ("BT-GRP-DOC", "医生组", "T-BT-DOC", "H-BT-YY"),
                                      ("BT-GRP-EDU", "教师组", "T-BT-EDU", "H-BT-ZX")]:
            unit(gid, name, "group", 2, "BT-WG", team=team, host=host)
        # the 1st division: the provincial HQ, the host units as basic cells, every person in one cell
        cdc = holders("O-ALE-CDC")[0]
        unit("ZJ-ALE-HQ", "浙江省援疆指挥部（阿拉尔）", "hq", 1, leader=cdc, host="BT-1")
        doctors = holders("O-ALE-", "2027-01-31")
        doctors = [p for p in doctors if p != cdc]
        head = max(doctors, key=lambda p: (people[p]["level"], -int(p[1:])))
        unit("ZJ-ALE-YY", "第一师阿拉尔医院援疆网格", "cell", 2, "ZJ-ALE-HQ", leader=head, host="H-ALE-YY")
        unit("ZJ-ALE-CDC", "第一师疾控中心援疆网格", "cell", 2, "ZJ-ALE-HQ", leader=cdc, host="H-ALE-CDC")
        for p in a.loc[a["order"].str.startswith("O-ALE-") & ~a["order"].eq("O-ALE-CDC"), "person"]:
            people[p]["cell"] = "ZJ-ALE-YY"
        # Yengisar county: four townships' two-cadre teams, each led by its lead cadre, under one work group
        # (two lead cadres' terms end on 2026-12-31 while their members stay: leadership cliffs)
        unit("YJS-WG", "英吉沙县乡镇干部工作组", "work_group", 1, leader=holders("O-TWN10-L")[0])
        for k in range(9, 13):
            unit(f"YJS-TWN{k:02d}", f"{self._name_of(f'H-TWN{k:02d}')}驻乡工作组", "group", 2, "YJS-WG",
                 team=f"T-TWN{k:02d}", host=f"H-TWN{k:02d}")
        # contact numbers the roster may print (placeholders)
        for k, p in enumerate(sorted(set(a.loc[a["order"].str.startswith(("O-BT-", "O-ALE-", "O-TWN09", "O-TWN1")), "person"]))):
            people[p]["phone"] = f"1380000{k + 1:04d}"

    # ---- results and assessment (issue 30) ------------------------------------------------------------------
    INDICATORS = [  # id, name, measure, direction, aggregation, numerator, denominator, subject, sector
        ("EDU-CAND", "高考参考人数", "人", "higher", "sum", None, None, "host_unit", "教育"),
        ("EDU-PASS", "本科上线人数", "人", "higher", "sum", None, None, "host_unit", "教育"),
        ("EDU-RATE", "本科上线率", "%", "higher", "ratio", "EDU-PASS", "EDU-CAND", "host_unit", "教育"),
        ("EDU-TRAIN", "教师培训人次", "人次", "higher", "sum", None, None, "host_unit", "教育"),
        ("TWN-JOBS", "新增就业人数", "人", "higher", "sum", None, None, "host_unit", "党政"),
        ("TWN-INV", "招商引资到位资金", "万元", "higher", "sum", None, None, "host_unit", "党政"),
        ("TWN-PROJ", "乡村振兴项目", "个", "higher", "sum", None, None, "host_unit", "党政"),
        ("TWN-HH", "助力增收户数", "户", "higher", "sum", None, None, "host_unit", "党政"),
        ("TWN-BACK", "返贫户数", "户", "lower", "sum", None, None, "host_unit", "党政"),
        ("HOS-TECH", "新技术新项目", "项", "higher", "sum", None, None, "host_unit", "医疗"),
        ("HOS-OUT", "外转患者人次", "人次", "lower", "sum", None, None, "host_unit", "医疗"),
        ("HOS-SPEC", "新建专科", "个", "higher", "sum", None, None, "host_unit", "医疗"),
        ("XS-INV", "招商引资项目", "个", "higher", "sum", None, None, "host_unit", "招商"),
        ("XS-PLAN", "编制规划方案", "个", "higher", "sum", None, None, "host_unit", "规划建设"),
        ("XS-SVC", "便民服务事项", "项", "higher", "sum", None, None, "host_unit", "党政"),
        ("FS-INC", "村集体经济收入", "万元", "higher", "sum", None, None, "host_unit", "党政"),
        ("FS-SAT", "群众满意度", "分", "higher", "mean", None, None, "host_unit", "党政"),
    ]
    #: Fushan's 8 assessment items (8项考评指标) and their full marks (100 in all).
    ITEMS = [("FS-A1", "政治素质", 15), ("FS-A2", "在岗履职", 15), ("FS-A3", "基层党建", 15), ("FS-A4", "产业发展", 15),
             ("FS-A5", "乡村振兴", 10), ("FS-A6", "为民服务", 10), ("FS-A7", "工作日志", 10), ("FS-A8", "群众评议", 10)]
    GRADES = [(90, "excellent"), (75, "competent"), (60, "basically_competent"), (0, "incompetent")]

    def _staffed(self, unit: str, sector: str, first: str, last: str) -> float:
        """Filled ÷ demanded seat-days of a unit and sector over [first, last] (1.0 without demand)."""
        days = pd.date_range(first, last).to_numpy()
        dem = np.zeros(len(days))
        sup = np.zeros(len(days))
        mine = {o["id"] for o in self.orders if o["host_unit"] == unit and o["sector"] == sector}
        for o in self.orders:
            if o["id"] in mine:
                dem += o["headcount"] * ((days >= np.datetime64(o["start"])) & (days <= np.datetime64(o["end"])))
        for a in self.assignments:
            if a["order"] in mine:
                sup += (days >= np.datetime64(a["start"])) & (days <= np.datetime64(a["end"]))
        return float(np.minimum(dem, sup).sum() / dem.sum()) if dem.sum() else 1.0

    def results(self):
        """Believable indicators for 2026 (whole numbers for counts, rates as a ratio of two counts) and a year of
        monthly assessments of Fushan's village secretaries on 8 items. Drawn with a generator of their own, after
        everything else, so no earlier row changes. Progress follows staffing: places whose seats stood empty lag
        (a few are behind and short-staffed), well-staffed ones mostly keep pace, some reach their targets."""
        rng = np.random.default_rng(2026 + 30)
        for row in self.INDICATORS:
            self.indicator_definitions.append(dict(zip(("id", "name", "measure", "direction", "aggregation",
                                                       "numerator", "denominator", "subject", "sector"), row)))
        share = (TODAY - pd.Timestamp("2026-01-01")).days / 365  # the share of 2026 gone by the sample's day

        def value(uid, ind, base, target, staffed):
            pace = share * (0.4 + 0.65 * staffed) + float(rng.normal(0, 0.07))
            pace = float(np.clip(pace, 0.05, 1.15))
            actual = base + pace * (target - base)
            self.indicator_values.append(dict(subject=uid, indicator=ind, period="2026", baseline=base,
                                              target=target, actual=int(round(actual))))

        for k in range(1, 22):  # schools: candidates, passes (the rate is their ratio), teacher training
            uid = f"H-SCH{k:02d}"
            st = self._staffed(uid, "教育", "2026-01-01", "2026-12-31")
            cand = int(rng.integers(180, 420))
            rate0 = float(rng.uniform(0.22, 0.38))
            pass0 = int(round(cand * rate0))
            pass1 = int(round(cand * min(0.75, rate0 + float(rng.uniform(0.05, 0.14)))))
            self.indicator_values.append(dict(subject=uid, indicator="EDU-CAND", period="2026", baseline=cand,
                                              target=cand, actual=cand))
            value(uid, "EDU-PASS", pass0, pass1, st)
            value(uid, "EDU-TRAIN", 0, int(rng.integers(12, 30)) * 10, st)
        for k in range(1, 22):  # townships: jobs, investment, projects, households (乡镇援疆成效)
            uid = f"H-TWN{k:02d}"
            st = self._staffed(uid, "党政", "2026-01-01", "2026-12-31")
            value(uid, "TWN-JOBS", 0, int(rng.integers(25, 60)) * 10, st)
            value(uid, "TWN-INV", 0, int(rng.integers(30, 120)) * 100, st)
            value(uid, "TWN-PROJ", 0, int(rng.integers(8, 16)), st)
            value(uid, "TWN-HH", 0, int(rng.integers(10, 25)) * 10, st)
            back = int(rng.random() < 0.15) + int(rng.random() < (0.8 - st))  # 零返贫: kept at none, or not
            self.indicator_values.append(dict(subject=uid, indicator="TWN-BACK", period="2026", baseline=0,
                                              target=0, actual=back))
        for _, _, _, hid, *_ in HOSPITALS:
            uid = f"H-{hid}"
            st = self._staffed(uid, "医疗", "2026-03-01", "2026-12-31")
            value(uid, "HOS-TECH", 0, int(rng.integers(6, 15)), st)
            out0 = int(rng.integers(300, 900))
            value(uid, "HOS-OUT", out0, int(out0 * 0.7), st)
            value(uid, "HOS-SPEC", 0, 1, st)
        for ind, uid, sector, target in [("XS-INV", "H-XS-JG", "招商", 6), ("XS-PLAN", "H-XS-JG", "规划建设", 4),
                                         ("XS-SVC", "H-XS-BM", "党政", 76)]:
            value(uid, ind, 0, target, self._staffed(uid, sector, "2026-04-01", "2026-12-31"))
        for v in range(1, 21):  # Fushan's villages: collective income (万元) and the villagers' satisfaction
            uid = f"H-FS-V{v:02d}"
            st = self._staffed(uid, "党政", "2026-04-15", "2026-12-31")
            base = int(rng.integers(2, 12))
            value(uid, "FS-INC", base, base + int(rng.integers(3, 10)), st)
            sat0 = int(rng.integers(70, 85))
            self.indicator_values.append(dict(subject=uid, indicator="FS-SAT", period="2026", baseline=sat0,
                                              target=90, actual=int(min(99, sat0 + rng.integers(2, 18)))))
        for iid, name, full in self.ITEMS:
            self.assessment_items.append(dict(id=iid, name=name, max_score=full))
        for floor, grade in self.GRADES[:-1]:  # Fushan's stated thresholds: below 60 is 不称职
            self.grade_thresholds.append(dict(grade=grade, min_total=floor))
        secretaries = [a for a in self.assignments if a["order"].startswith("O-FS-V") and a["order"].endswith("-L")]
        towns = {o["id"]: o["host_unit"] for o in self.orders}
        for a in secretaries:
            skill = float(rng.uniform(0.72, 0.97))
            for month in pd.period_range("2026-05", "2026-10", freq="M"):
                skill = float(np.clip(skill + rng.normal(0.01, 0.02), 0.55, 0.99))
                scores = [int(round(full * float(np.clip(skill + rng.normal(0, 0.05), 0.4, 1.0))))
                          for _, _, full in self.ITEMS]
                total = sum(scores)
                grade = next(g for floor, g in self.GRADES if total >= floor)
                village = self._name_of(towns[a["order"]]).removesuffix("村民委员会")
                for (iid, _, _), sc in zip(self.ITEMS, scores):
                    first = iid == "FS-A1"
                    self.assessments.append(dict(person=a["person"], period=str(month), item=iid, score=sc,
                                                 grade=grade if first else None,
                                                 assessor="浮山县委组织部" if first else None,
                                                 note=f"{village}：月度考评，总分 {total}" if first else None))

    def _name_of(self, unit_id: str) -> str:
        return next(u["name"] for u in self.units if u["id"] == unit_id).removesuffix("人民政府")

    def build(self) -> Workbook:
        self.geography()
        self.schools()
        self.townships()
        self.hospitals()
        self.xishan()
        self.aral()
        self.batang()
        self.fushan()
        self.school_mentoring()
        self.management()
        self.criteria()
        self.results()
        self.work_team()
        return _as_workbook(self)

    def work_team(self):
        """A village joining Fushan's programme in April 2027 (响水河第5村) asks for a village work team
        (驻村工作队) of a first secretary and two members, at least 3 on post (``teams.min_size``); only two
        cadres are free to go, so the plan sends none and says why (组团不足最少人数). Drawn last: every other
        table stays as it was.
        """
        ti, j = 4, 4
        rid = self.region("SXH-T5-V5", "响水河第5村", "village", "SXH-T5", "host",
                          111.85 + 0.07 * np.cos(ti * 1.25) + 0.02 * np.cos(j * 1.6),
                          35.97 + 0.07 * np.sin(ti * 1.25) + 0.02 * np.sin(j * 1.6))
        uid = self.unit("H-FS-V21", "响水河第5村村民委员会", "village", rid, "host")
        tid = self.team("T-FS-V21", uid, "custom")
        self.teams[-1]["min_size"] = 3
        start, end = "2027-04-01", "2029-03-31"
        self.order("O-FS-V21-L", uid, "党政", "乡村振兴", "lead", 1, start, end, 5, 2, tid)
        self.order("O-FS-V21-M", uid, "党政", "基层治理", "member", 2, start, end, 3, 1, tid)
        self.person("SX-FS-NYJ", "cadre", "党政", "乡村振兴", level=3, can_lead=True, available_from="2027-01-01")
        self.person("SX-FS-CZJ", "cadre", "党政", "基层治理", level=2, available_from="2027-01-01")

    def criteria(self):
        """Selection facts (design §11) for Kashgar's township cadres, Batang's talents and Fushan's first
        secretaries, what their posts ask, and the programmes' term rules.

        Everyone meets what their own post asks except four people on post, each short of one
        criterion (an age, a title, full Party membership, a medical check), whom a planner sees
        passed over for other seats of their kind. A separate random stream: the rest of the
        sample is unchanged.
        """
        rng = np.random.default_rng(34)
        groups = (("SD-", "SZJG"), ("ZJ-CA-", ""), ("SX-FS-", ""))
        lead_of = {a["person"]: a["order"].endswith("-L") or a["order"] == "O-BT-DZ" for a in self.assignments}
        for p in self.people:
            u = p["sending_unit"]
            if not any(u.startswith(pre) and u.endswith(suf) for pre, suf in groups):
                continue
            born = pd.Timestamp(f"{int(rng.integers(1982, 1991))}-{int(rng.integers(1, 13)):02d}-"
                                f"{int(rng.integers(1, 29)):02d}")
            cadre = p["category"] == "cadre"
            lead = bool(p["can_lead"]) or lead_of.get(p["id"], False)
            p["birth_date"] = born.date().isoformat()
            p["work_started"] = (born + pd.DateOffset(years=23, months=1)).date().isoformat()
            p["party_status"] = "party_member" if cadre or rng.random() < 0.6 else "masses"
            if p["party_status"] == "party_member":
                p["party_joined"] = (born + pd.DateOffset(years=24, months=6)).date().isoformat()
            if cadre:
                p["rank"] = "section" if lead else "deputy_section"
            else:
                p["title"] = "associate_senior" if lead else "intermediate"
            p["medical_date"] = (pd.Timestamp(p["available_from"])
                                 - pd.Timedelta(days=int(rng.integers(10, 60)))).date().isoformat()
            p["medical_result"] = "fit"
            p["altitude_clearance"] = "cleared"
            p["vetting_stage"] = "publicised"
            p["vetting_date"] = (pd.Timestamp(p["available_from"]) - pd.Timedelta(days=20)).date().isoformat()
        by_order = {a["order"]: a["person"] for a in self.assignments}
        people = {p["id"]: p for p in self.people}
        people[by_order["O-BT-DZ"]]["rank"] = "deputy_division"
        # four people on post, each short of one criterion
        people[by_order["O-TWN01-L"]]["birth_date"] = "1978-12-01"                 # 47 when the next batch goes
        people[by_order["O-BT-DOC-1"]]["title"] = "junior"                         # below 中级
        people[by_order["O-FS-V03-L"]]["party_status"] = "probationary_member"     # not yet a full member
        people[by_order["O-BT-EDU-1"]]["medical_date"] = "2025-04-01"              # expired
        for o in self.orders:
            i = o["id"]
            if i.startswith("O-TWN"):  # county township posts: 45 or under, Party members, rank by role
                o.update(post_rank="section" if i.endswith("-L") else "deputy_section", age_cap=45,
                         party_required=True)
            elif i.startswith("O-BT-"):
                o["programme"] = "援藏"
                if o["sector"] == "党政":
                    o.update(post_rank="deputy_division" if i == "O-BT-DZ" else None, party_required=True)
                else:
                    o["min_title"] = "associate_senior" if o["role"] == "lead" else "intermediate"
            elif i.startswith("O-FS-V") and i.endswith("-L"):  # first secretaries
                o.update(programme="第一书记", party_required=True, min_party_years=1, min_service_years=2,
                         rotation_allowed=False)
        self.regions = [dict(r, altitude=2589.0) if r["id"] == "SC-GZ-BT" else r for r in self.regions]
        self.term_rules += [
            dict(programme="援藏", role=None, min_months=12, max_months=36, rotation_allowed=True,
                 last_stage="publicised", medical_months=12, promotion_allowed=False, plan_stage="decided"),
            dict(programme="第一书记", role="lead", min_months=24, max_months=36, rotation_allowed=False,
                 last_stage="publicised", medical_months=12, promotion_allowed=False, plan_stage="decided"),
        ]
        self.senders()
        return _as_workbook(self)

    def senders(self):
        """The Shandong cities' next Kashgar batch (August 2027): quotas, nominations, hospitals' staff.

        Drawn last and without the random generator, so that every other table stays as it was.
        Two thirds of the cities with open seats are given a quota (their open seats) and put forward
        existing teachers who fit them; 济南, 日照 and 德州 hold some back, and 青岛 has no one for one
        subject, so they fall short. One provincial hospital is near its cap of people away at once.
        """
        self.batches.append(dict(id="B2027-08", name="2027年8月批", dispatch="2027-08-01", window_end=None))
        live = {}
        for a in self.assignments:
            if a["status"] in ("active", "planned"):
                live[a["order"]] = live.get(a["order"], 0) + 1
        short = {"JN": 1, "RZ": 2, "DZ": 1}  # cities that put forward fewer teachers than their quota
        for k, (cid, *_city) in enumerate(SD_CITIES):
            seats = [o for o in self.orders if o["id"].startswith(f"O-SCH{k + 1:02d}-")
                     for _ in range(o["headcount"] - live.get(o["id"], 0))]
            if not seats or k % 3 == 2:  # a third of the cities have no quota given: their task is their quota
                continue
            self.quotas.append(dict(sender=f"SD-{cid}", sector="教育", batch="B2027-08", count=len(seats)))
            want = max(0, len(seats) - short.get(cid, 0))
            pool = [p for p in self.people if p["sending_unit"] == f"SD-{cid}-JYJ" and "nomination" not in p]
            for o in seats:  # existing teachers of the city who fit a seat, put forward (no one added)
                fit = [p for p in pool if p["skill"] == o["skill"] and p["level"] >= o["min_level"]
                       and (p["can_lead"] or o["role"] != "lead") and p["available_from"] <= "2027-08-01"
                       and p["available_to"] >= o["end"] and "nomination" not in p]
                if fit and want > 0:
                    fit[0].update(nomination="selected" if want % 2 else "nominated", batch="B2027-08")
                    want -= 1
            for p in pool[:1]:
                if "nomination" not in p:
                    p.update(nomination="withdrawn" if k % 2 else "not_selected", batch="B2027-08")
        # how far the nominees' vetting has gone (design §11): the selected further than those only nominated
        steps = (("recommended", "2026-09-21"), ("checked", "2026-10-12"), ("vetted", "2026-10-30"),
                 ("medical", "2026-11-16"))
        k = 0
        for p in self.people:
            if p.get("batch") == "B2027-08":
                at = {"selected": 2 + k % 2, "nominated": k % 2, "not_selected": 1}.get(p["nomination"], 0)
                p.update(vetting_stage=steps[at][0], vetting_date=steps[at][1])
                k += 1
        on_post = {}
        unit_of = {p["id"]: p["sending_unit"] for p in self.people}
        for a in self.assignments:
            if a["status"] == "active":
                u = unit_of[a["person"]]
                on_post[u] = on_post.get(u, 0) + 1
        for k, (sid, *_rest) in enumerate(HOSPITALS):
            n = on_post.get(f"SD-{sid}", 0)
            staff = 13 if k == 0 else max(12, n * 10)  # the first (3 on post of 13) is near its cap of a quarter
            self.sender_staff.append(dict(unit=f"SD-{sid}", sector="医疗", staff=staff, max_share=0.25))


TODAY = pd.Timestamp("2026-11-22")


def _as_workbook(b: _Builder) -> Workbook:

    tables = {}
    for name in schema.table_names():
        rows = getattr(b, name)
        base = empty_table(name)
        df = pd.DataFrame(rows, columns=list(base.columns)) if rows else base
        for c in base.columns:
            ty = schema.columns(name).loc[c, "type"]
            if ty == "date":
                df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
            elif ty == "bool":  # a column the sample leaves empty takes the contract's default
                df[c] = df[c].astype(object).where(df[c].notna(), schema.columns(name).loc[c, "default"] == "true")
                df[c] = df[c].astype(bool)
            else:
                df[c] = df[c].astype(base[c].dtype)
        tables[name] = df
    return Workbook(**tables, source="sample")


def build_sample(seed: int = 2026) -> Workbook:
    """The sample programme as a workbook (deterministic)."""
    return _Builder(seed).build()


if __name__ == "__main__":  # pragma: no cover
    out = sys.argv[1] if len(sys.argv) > 1 else "data/sample"
    wb = build_sample()
    save_workbook(wb, out)
    print(wb)
