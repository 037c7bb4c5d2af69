"""Every reason the intake refuses a file, and the exception that carries one.

A refusal is a one-line reason and what to do, in Chinese, chosen by a stable slug
(:data:`REFUSALS`). Every other intake module raises :class:`Refused`; this one imports none of
them, so that any of them can.
"""

from __future__ import annotations


#: Every reason to refuse a file: slug → (reason, what to do). Rendered with the refusal's fields.
REFUSALS: dict[str, tuple[str, str]] = {
    "not-a-file": ("这不是普通文件", "请提交工作簿文件本身"),
    "symlink": ("这是一个符号链接（可能在检查之后才被换上），为安全起见没有跟随读取它指向的文件",
                "请把工作簿文件本身放进来，或直接指定链接指向的文件"),
    "lock-file": ("这是 Office 打开工作簿时留下的锁定文件（~$ 开头），不是工作簿",
                  "忽略即可，请检查去掉“~$”的同名文件"),
    "empty": ("文件是空的（0 字节）", "请向报送单位重新索取文件"),
    "file-too-large": ("文件有 {size} MB，超过上限 {limit} MB",
                       "如确为正常工作簿，可用 --max-file-mb 调高上限后重试"),
    "not-a-workbook": ("文件内容是{what}，不是工作簿", "请提交绩效自评表的 Excel 文件（.xlsx）"),
    "unsupported-format": ("文件内容是{what}，本工具不读取这种格式", "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"),
    "unknown-content": ("文件内容不是任何已知的表格格式（既不是 Excel/WPS 工作簿，也不是网页或文本表格），可能已损坏",
                        "请用 Excel 或 WPS 打开确认，另存为 .xlsx 后重新提交"),
    "damaged": ("文件已损坏或不完整（{detail}），可能是下载或复制时中断了", "请重新下载，或向报送单位重新索取文件"),
    "encrypted": ("文件已加密（设有打开密码），无法读取",
                  "请提供未加密的副本：在 Excel 中打开，清除“用密码进行加密”的密码后另存"),
    "too-many-entries": ("压缩包内有 {count} 个部件，超过上限 {limit} 个，不像正常工作簿",
                         "已拒绝读取；如确为正常工作簿，可用 --max-entries 调高上限"),
    "unzipped-too-large": ("解压后共 {size} MB，超过上限 {limit} MB",
                           "已拒绝解压；如确为正常工作簿，可用 --max-unzipped-mb 调高上限"),
    "zip-bomb": ("部件 {part} 的压缩比为 {ratio}:1（上限 {limit}:1），疑似“压缩炸弹”",
                 "已拒绝解压；请向报送单位核实文件来源"),
    "size-mismatch": ("部件 {part} 解压后超出压缩目录声明的大小，文件被篡改或已损坏",
                      "已拒绝读取；请向报送单位重新索取文件"),
    "xml-doctype": ("部件 {part} 含有 DOCTYPE/实体声明，正常工作簿不会有，疑似恶意构造（XML 实体攻击）",
                    "已拒绝读取；请用 Excel 或 WPS 重新保存后再提交"),
    "xml-encoding": ("部件 {part} 的编码为 {encoding}，正常工作簿只用 UTF-8",
                     "已拒绝读取；请用 Excel 或 WPS 重新保存后再提交"),
    "unsupported-compression": ("部件 {part} 使用了不支持的压缩方式（{method}）",
                                "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"),
    "table-too-large": ("表格超过上限（{limit}）", "可用 --max-rows / --max-cells 调高上限后重试"),
    "sheet-too-large": ("工作表“{sheet}”{why}；{kind}打开时各工作表整体读入，无法只跳过这一张",
                        "请用 Excel 或 WPS 另存为 .xlsx 后再提交（.xlsx 中过大的工作表会被跳过），或调高上限"),
}


class Refused(Exception):
    """A file the tool will not parse. ``str()`` is the one-line reason and what to do, in Chinese."""

    def __init__(self, slug: str, **fields: object) -> None:
        reason, advice = REFUSALS[slug]
        self.slug = slug
        self.fields = fields
        self.reason = reason.format(**fields)
        self.advice = advice.format(**fields)
        super().__init__(f"{self.reason}；{self.advice}")

