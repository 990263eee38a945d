"""Demo data of the catalog app, called by `manage.py seed_demo` (idempotent).

Adds vendors beside the lead's demo vendor (24536806 雲端好夥伴股份有限公司), at
least three listed plans in each of the 15 categories (including a 6-month plan
at NT$60,000, the brochure's worked example), and with `--plans N` makes sure N
load-test plans exist (bulk insert, so 10,000 take seconds).
"""

from __future__ import annotations

from catalog.models import Plan, Vendor
from catalog.services import plan_bulk_create_listed, vendor_create, vendor_set_admin
from members.demo import DEMO_PASSWORD
from members.models import User
from members.services import user_create
from points.models import Category

DEMO_VENDOR_TAX_ID = "24536806"
SECOND_VENDOR_EMAIL = "vendor2@demo.test"

# tax ID (valid checksum), name, contact, phone, website, about
VENDORS = [
    (
        "53212539",
        "雲端好管家資訊股份有限公司",
        "林雅婷",
        "02-2712-3456",
        "https://example.com/haoguanjia",
        "專注中小企業進銷存與ERP雲端服務十餘年。",
    ),
    (
        "28469119",
        "掌櫃科技有限公司",
        "陳志明",
        "04-2326-7788",
        "https://example.com/zhanggui",
        "餐飲與零售門市的雲端收銀、行動支付與電子發票整合。",
    ),
    (
        "42819806",
        "安心資安股份有限公司",
        "黃建宏",
        "07-3351-2200",
        "https://example.com/anxin",
        "提供端點防護、郵件防護與資安健檢的雲端服務。",
    ),
    (
        "16446295",
        "綠能數據股份有限公司",
        "張淑芬",
        "03-5678-9012",
        "https://example.com/greendata",
        "碳盤查、能源監控與ESG報告的雲端平台。",
    ),
    (
        "83195505",
        "好客雲服務有限公司",
        "王美玲",
        "02-8792-0011",
        "https://example.com/haoke",
        "客戶關係管理、雲端客服與開店平台。",
    ),
]

# category code -> [(vendor index (0 = the lead's demo vendor), name, summary, price, months)]
PLANS: dict[str, list[tuple[int, str, str, int, int]]] = {
    "inventory": [
        (1, "好管家進銷存 標準版", "採購、銷貨、庫存一站管理，支援多倉與條碼。", 24_000, 12),
        (0, "雲端進銷存 輕量版", "小店適用的進銷存，手機即可盤點。", 12_000, 6),
        (1, "好管家進銷存 專業版", "多門市庫存調撥與安全庫存警示。", 48_000, 12),
    ],
    "erp": [
        (1, "好管家ERP 中小企業版", "財務、進銷存、生產一體化的雲端ERP。", 60_000, 12),
        (0, "夥伴雲ERP 入門方案", "五人以內團隊的雲端ERP，快速導入。", 36_000, 6),
        # The brochure's worked example, sold by the vendor the demo signs in as.
        (0, "夥伴雲ERP 標準方案", "十人團隊的雲端ERP：財會、進銷存與報表。", 60_000, 6),
        (1, "好管家ERP 製造業版", "含BOM與工單管理的製造業ERP。", 96_000, 12),
    ],
    "accounting": [
        (0, "雲端記帳士 標準版", "自動產生傳票與財務報表，支援營業稅申報。", 18_000, 12),
        (1, "好管家財會 進階版", "應收應付、銀行對帳與多幣別。", 30_000, 12),
        (0, "雲端記帳士 入門版", "收支記帳與發票歸檔，適合新創。", 6_000, 6),
    ],
    "hr": [
        (0, "夥伴HR 雲端打卡與薪資", "手機打卡、排班、請假與薪資計算。", 20_000, 12),
        (4, "好客HR 人事管理", "員工資料、考勤與勞健保試算。", 15_000, 6),
        (0, "夥伴HR 專業版", "含績效考核與教育訓練紀錄。", 42_000, 12),
    ],
    "crm": [
        (4, "好客CRM 業務版", "客戶名單、商機追蹤與業務報表。", 24_000, 12),
        (4, "好客CRM 會員經營版", "會員分級、點數與簡訊行銷。", 36_000, 12),
        (0, "夥伴CRM 入門版", "聯絡人與待辦管理，手機同步。", 9_000, 6),
    ],
    "collaboration": [
        (0, "夥伴雲端辦公室 基本版", "雲端文件、行事曆與視訊會議。", 12_000, 12),
        (0, "夥伴雲端辦公室 團隊版", "專案看板、表單簽核與檔案共享。", 30_000, 12),
        (1, "好管家電子簽核", "請購、請款與出差的線上簽核流程。", 18_000, 6),
    ],
    "pos": [
        (2, "掌櫃雲端收銀 POS 標準版", "餐飲零售適用的雲端收銀，含平板收銀與報表。", 60_000, 6),
        (2, "掌櫃雲端收銀 POS 輕量版", "單店雲端收銀系統，手機也能結帳。", 18_000, 12),
        (0, "夥伴雲端收銀機 多門市版", "多門市雲端收銀、會員與庫存同步。", 72_000, 12),
    ],
    "production": [
        (1, "好管家生產排程", "工單派工、產能排程與進度追蹤。", 54_000, 12),
        (0, "夥伴智慧製造 MES 入門版", "機台稼動率與生產報工。", 66_000, 12),
        (1, "好管家品質管理", "進料檢驗、製程品管與不良分析。", 30_000, 6),
    ],
    "mobile_payment": [
        (2, "掌櫃行動支付 收款方案", "整合街口、LINE Pay與信用卡的行動收款。", 9_600, 12),
        (2, "掌櫃掃碼點餐加行動支付", "桌邊掃碼點餐並直接行動付款。", 24_000, 12),
        (0, "夥伴行動收款 App", "業務外勤的手機收款與電子收據。", 6_000, 6),
    ],
    "e_invoice": [
        (2, "掌櫃電子發票 加值中心", "開立、作廢、折讓與上傳財政部平台。", 7_200, 12),
        (0, "夥伴電子發票 API 方案", "與網站或ERP串接的電子發票API。", 12_000, 12),
        (1, "好管家電子發票 批次開立", "B2B大量發票批次開立與寄送。", 9_000, 6),
    ],
    "customer_service": [
        (4, "好客雲端客服 LINE 整合版", "LINE、臉書、網站訊息統一回覆。", 30_000, 12),
        (4, "好客客服機器人", "常見問題自動回覆與轉接真人。", 36_000, 12),
        (0, "夥伴雲端總機", "雲端電話總機、語音信箱與通話紀錄。", 14_400, 6),
    ],
    "security": [
        (3, "安心端點防護 10台", "防毒、勒索軟體防護與集中管理。", 15_000, 12),
        (3, "安心郵件防護", "垃圾郵件、釣魚信與惡意附件過濾。", 12_000, 12),
        (3, "安心資安健檢加備份", "弱點掃描報告與雲端備份200GB。", 48_000, 12),
    ],
    "online_store": [
        (4, "好客開店平台 基本版", "30分鐘開好網路商店，含金流物流。", 18_000, 12),
        (0, "夥伴電商平台 品牌官網版", "品牌官網、購物車與會員系統。", 42_000, 12),
        (4, "好客開店平台 直播電商版", "直播喊單、自動結單與出貨管理。", 36_000, 6),
    ],
    "carbon": [
        (5, "綠能碳盤查 小型企業版", "依ISO 14064-1自動計算範疇一、二排放。", 45_000, 12),
        (5, "綠能產品碳足跡", "產品生命週期碳足跡計算與報告。", 60_000, 12),
        (3, "安心ESG報告助手", "永續報告書資料蒐集與揭露範本。", 30_000, 6),
    ],
    "energy": [
        (5, "綠能EMS 用電監控", "智慧電表與即時用電分析、超約警示。", 36_000, 12),
        (5, "綠能EMS 空調節能", "空調排程與節能成效報告。", 54_000, 12),
        (0, "夥伴能源看板", "多廠區能源使用儀表板。", 24_000, 6),
    ],
}

DESCRIPTION = (
    "{name}：{summary}\n\n"
    "方案內容包含系統建置、教育訓練（線上2小時）與服務期間的客服支援。"
    "服務於訂單確認後7個工作天內開通，期滿可續約。"
)
SPECIFICATION = (
    "使用者：{users} 人\n儲存空間：{storage} GB\n客服：週一至週五 9:00–18:00\n資料備份：每日"
)
LOAD_PREFIX = "壓測方案"


def _vendors(command) -> list[Vendor]:
    demo = Vendor.objects.filter(tax_id=DEMO_VENDOR_TAX_ID).first()
    if demo is None:
        demo = vendor_create(
            tax_id=DEMO_VENDOR_TAX_ID, name="雲端好夥伴股份有限公司", approved=True
        )
    demo_user = User.objects.filter(email="vendor@demo.test", vendor=demo).first()
    if demo_user and demo.admin_user_id is None:
        vendor_set_admin(vendor=demo, user=demo_user)  # so the demo can invite colleagues
    result = [demo]
    for tax_id, name, contact, phone, website, about in VENDORS:
        vendor = Vendor.objects.filter(tax_id=tax_id).first() or vendor_create(
            tax_id=tax_id,
            name=name,
            approved=True,
            contact_name=contact,
            contact_phone=phone,
            contact_email=f"sales-{tax_id}@vendors.demo.test",
            phone=phone,
            website=website,
            description=about,
            representative=contact,
            address="台北市信義區信義路五段7號",
        )
        result.append(vendor)
    # A second vendor with a login (vendor2@demo.test): 掌櫃科技.
    second = result[2]
    if not User.objects.filter(email=SECOND_VENDOR_EMAIL).exists():
        user = user_create(
            email=SECOND_VENDOR_EMAIL,
            password=DEMO_PASSWORD,
            role=User.Role.VENDOR,
            name="陳志明",
            vendor=second,
            email_verified=True,
        )
        if second.admin_user_id is None:
            vendor_set_admin(vendor=second, user=user)
    return result


def seed(*, command, members: int = 0, plans: int = 0) -> None:
    """Add this app's demo data; `command` is the seed_demo command (stdout, style)."""
    vendors = _vendors(command)
    categories = {c.code: c for c in Category.objects.all()}
    existing = set(Plan.objects.values_list("vendor_id", "name"))
    rows = []
    for code, entries in PLANS.items():
        for n, (vendor_index, name, summary, price, months) in enumerate(entries):
            vendor = vendors[vendor_index]
            if (vendor.pk, name) in existing:
                continue
            rows.append(
                {
                    "vendor": vendor,
                    "category": categories[code],
                    "name": name,
                    "summary": summary,
                    "description": DESCRIPTION.format(name=name, summary=summary),
                    "specification": SPECIFICATION.format(users=5 * (n + 1), storage=20 * (n + 1)),
                    "price": price,
                    "term_months": months,
                }
            )
    created = plan_bulk_create_listed(rows=rows)

    # --plans N: make sure N load-test plans exist (idempotent, bulk).
    have = Plan.objects.filter(name__startswith=LOAD_PREFIX).count()
    load_rows = []
    codes = list(categories)
    for i in range(have + 1, plans + 1):
        code = codes[i % len(codes)]
        load_rows.append(
            {
                "vendor": vendors[i % len(vendors)],
                "category": categories[code],
                "name": f"{LOAD_PREFIX} {i:05d} {categories[code].name_zh}",
                "summary": f"Load-test plan {i} ({categories[code].name_en}).",
                "description": "壓力測試用方案。",
                "specification": "",
                "price": 6_000 + (i * 1_000) % 90_000,
                "term_months": (6, 12, 24)[i % 3],
            }
        )
    created_load = plan_bulk_create_listed(rows=load_rows)
    command.stdout.write(
        f"catalog: {len(vendors)} vendors, {created} demo plans and {created_load} load-test plans "
        f"added ({Plan.objects.filter(status=Plan.Status.LISTED).count()} listed in all)"
    )
