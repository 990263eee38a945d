"""The starting set of self-assessment questions (RULES T1): two per area.

Staff edit them in the admin afterwards; this is only what a new database
starts with (migration 0004, `assessment_questions_ensure` for the demo and
tests). Each choice lists the category codes (points.categories) it points to.

(area, Chinese text, English text, [(Chinese, English, [category codes]), ...])
"""

NO = ("目前沒有這個需要", "Not a need for us right now", [])

QUESTIONS: list[tuple[str, str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "daily_operations",
        "您目前如何管理進貨、銷貨與庫存？",
        "How do you manage purchasing, sales and stock today?",
        [
            (
                "紙本或 Excel，常對不上帳",
                "On paper or in spreadsheets, and it often doesn't add up",
                ["inventory", "accounting"],
            ),
            (
                "已有系統，但想整合進銷存與財會",
                "We have a system but want stock and accounts in one place",
                ["erp", "accounting"],
            ),
            NO,
        ],
    ),
    (
        "daily_operations",
        "員工出勤、排班與薪資如何處理？",
        "How do you handle attendance, shifts and payroll?",
        [
            ("人工登記與計算", "Recorded and calculated by hand", ["hr"]),
            (
                "想要手機打卡與自動算薪",
                "We want phone clock-in and automatic payroll",
                ["hr", "collaboration"],
            ),
            NO,
        ],
    ),
    (
        "production_scheduling",
        "生產排程與工單目前怎麼安排？",
        "How are production schedules and work orders planned?",
        [
            (
                "靠經驗與白板，常臨時調整",
                "By experience and a whiteboard, with frequent last-minute changes",
                ["production"],
            ),
            (
                "想掌握原料、產能與交期",
                "We want to see materials, capacity and delivery dates",
                ["production", "erp", "inventory"],
            ),
            NO,
        ],
    ),
    (
        "production_scheduling",
        "是否需要掌握用電或碳排放？",
        "Do you need to track energy use or carbon emissions?",
        [
            ("想降低用電成本", "We want to lower our electricity costs", ["energy"]),
            (
                "客戶或法規要求碳盤查",
                "Customers or regulations ask for a carbon inventory",
                ["carbon", "energy"],
            ),
            NO,
        ],
    ),
    (
        "remote_work",
        "員工能在家或外出時處理公事嗎？",
        "Can staff work from home or on the road?",
        [
            (
                "不行，資料都在公司電腦",
                "No, the data is on office computers",
                ["collaboration", "security"],
            ),
            (
                "可以，但檔案分散在各處",
                "Yes, but files are scattered everywhere",
                ["collaboration"],
            ),
            NO,
        ],
    ),
    (
        "remote_work",
        "外出業務如何回報與簽核？",
        "How do field staff report and get approvals?",
        [
            ("電話或通訊軟體口頭回報", "By phone or chat message", ["collaboration", "crm"]),
            ("回公司填紙本", "On paper back at the office", ["collaboration", "hr"]),
            NO,
        ],
    ),
    (
        "online_collaboration",
        "團隊如何共同編輯文件與追蹤工作？",
        "How does the team edit documents together and track work?",
        [
            ("寄信來回傳檔案", "By emailing files back and forth", ["collaboration"]),
            (
                "想要線上會議、共用行事曆與任務",
                "We want online meetings, shared calendars and tasks",
                ["collaboration"],
            ),
            NO,
        ],
    ),
    (
        "online_collaboration",
        "與客戶的客服往來如何處理？",
        "How do you handle customer service conversations?",
        [
            (
                "電話與多個通訊軟體，容易漏訊息",
                "Phone and several chat apps; messages get missed",
                ["customer_service"],
            ),
            (
                "想用聊天機器人或統一客服後台",
                "We want a chatbot or one service inbox",
                ["customer_service", "crm"],
            ),
            NO,
        ],
    ),
    (
        "information_security",
        "公司資料有備份與防毒嗎？",
        "Is your company data backed up and protected from malware?",
        [
            ("沒有固定備份", "No regular backups", ["security"]),
            ("曾遇過中毒或勒索軟體", "We have had a virus or ransomware", ["security"]),
            NO,
        ],
    ),
    (
        "information_security",
        "員工帳號與權限如何管理？",
        "How are staff accounts and permissions managed?",
        [
            (
                "大家共用帳號密碼",
                "Everyone shares the same passwords",
                ["security", "collaboration"],
            ),
            ("離職員工帳號常忘了關", "Leavers' accounts are often left open", ["security", "hr"]),
            NO,
        ],
    ),
    (
        "sales_channels",
        "您在哪裡銷售商品或服務？",
        "Where do you sell your goods or services?",
        [
            ("只有實體店面", "Only in a physical shop", ["pos", "online_store"]),
            (
                "想開網路商店或經營多個通路",
                "We want an online store or several sales channels",
                ["online_store", "inventory"],
            ),
            NO,
        ],
    ),
    (
        "sales_channels",
        "門市結帳與銷售報表如何產生？",
        "How do you check out and produce sales reports in the shop?",
        [
            ("傳統收銀機，報表手工整理", "A traditional till, reports compiled by hand", ["pos"]),
            ("想要即時看各店銷售", "We want live sales figures for each shop", ["pos", "erp"]),
            NO,
        ],
    ),
    (
        "electronic_payment",
        "顧客可以用行動支付付款嗎？",
        "Can customers pay by mobile payment?",
        [
            ("只收現金", "Cash only", ["mobile_payment", "pos"]),
            ("想增加更多支付方式", "We want more ways to pay", ["mobile_payment"]),
            NO,
        ],
    ),
    (
        "electronic_payment",
        "發票如何開立？",
        "How do you issue invoices?",
        [
            ("手開或二聯/三聯紙本發票", "Handwritten or paper invoices", ["e_invoice"]),
            (
                "想與收銀或帳務系統串接電子發票",
                "We want e-invoices linked to the till or the accounts",
                ["e_invoice", "pos", "accounting"],
            ),
            NO,
        ],
    ),
    (
        "customer_management",
        "您如何記錄客戶資料與購買紀錄？",
        "How do you keep customer details and purchase history?",
        [
            ("沒有系統化記錄", "We don't keep them systematically", ["crm"]),
            (
                "想做會員經營與行銷",
                "We want a loyalty programme and marketing",
                ["crm", "online_store"],
            ),
            NO,
        ],
    ),
    (
        "customer_management",
        "業務如何追蹤報價與商機？",
        "How do salespeople follow up quotes and leads?",
        [
            ("各自用 Excel 或筆記", "Each in their own spreadsheet or notebook", ["crm"]),
            (
                "想讓主管即時掌握業績",
                "Managers want to see the pipeline at any time",
                ["crm", "erp"],
            ),
            NO,
        ],
    ),
]
