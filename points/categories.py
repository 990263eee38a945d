"""The subsidy zone's 15 categories (RULES P3). Codes are public (shared/API.md)
and never change; names follow the brochure."""

CATEGORIES: list[tuple[str, str, str]] = [
    ("inventory", "進銷存管理", "Inventory management"),
    ("erp", "企業資源規劃(ERP)", "Enterprise resource planning (ERP)"),
    ("accounting", "財會管理", "Accounting and finance"),
    ("hr", "人力資源管理(HR)", "Human resources (HR)"),
    ("crm", "客戶關係管理(CRM)", "Customer relationship management (CRM)"),
    ("collaboration", "雲端辦公協作", "Cloud office collaboration"),
    ("pos", "雲端收銀(POS)", "Cloud point of sale (POS)"),
    ("production", "生產管理", "Production management"),
    ("mobile_payment", "行動支付", "Mobile payment"),
    ("e_invoice", "電子發票", "E-invoice"),
    ("customer_service", "雲端客服", "Cloud customer service"),
    ("security", "資訊安全", "Information security"),
    ("online_store", "開店平台", "Online store platform"),
    ("carbon", "碳排計算分析", "Carbon accounting and analysis"),
    ("energy", "能源管理系統(EMS)", "Energy management system (EMS)"),
]
