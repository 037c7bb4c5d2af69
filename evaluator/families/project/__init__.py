"""The project family: the 项目支出绩效自评表 and its provincial editions."""
