"""Scored trees: department-wide forms whose tree (一级 → 二级 → 三级), points and scoring rules are
read from the sheet, defined by an edition (YAML) that says where the columns are, how points are
written, what identifies the form and which rules apply (the Hunan 评分表, the 投入/过程 指标表, …)."""
