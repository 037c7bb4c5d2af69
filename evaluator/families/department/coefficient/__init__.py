"""Coefficient forms (Chongqing's 部门整体绩效自评表): a funds block scored 执行率 × 执行率权重 and a
flat list of indicators each scored 得分系数 × 指标权重, the total at the top of the form.

Why a department edition and not an edition of the project family's reader: the form is a
department-wide form (主管部门, one per department), its indicator block has no 一级/二级 tree and
no 分值/得分 pair the project reader looks for, and its figures (coefficient × weight, the total at
the top) are none of the project reader's; a small reader of its own beside the scored trees keeps
both readers simpler than teaching the project reader a second scoring scheme.
"""
