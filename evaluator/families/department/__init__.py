"""The Guangzhou 部门整体支出绩效自评表 (department-wide expenditure self-evaluation form)."""
