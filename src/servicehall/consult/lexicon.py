"""The assistant's word lists: stop words, aspect words and everyday synonyms of public-service terms, in
simplified Chinese (traditional is folded before lookup) and English. General to Chinese public service,
not to one hall: a hall's own everyday names live in its items' keywords and FAQ questions.

A synonym adds words to the question (``低保`` also looks for ``最低生活保障``); the question's word counts
as found in a document when any of its alternatives is there.
"""


def words(text: str) -> set[str]:
    return set(text.split())


# Words that carry no subject: what any question says.
ZH_STOP = words(
    "的 了 吗 呢 啊 吧 呀 我 我们 你 你们 您 他 她 要 想 怎么 怎样 怎么样 如何 什么 哪些 是 "
    "有 和 与 及 或 在 能 可以 可 会 请问 请 你好 您好 一下 个 这 那 这个 那个 谁 为什么 还 "
    "也 都 就 被 给 让 把 对 去 来 到 得 地 着 过 没 没有 不 一个 自己 现在 今天 需不需要 "
    "能不能 可不可以 怎么办 咋 咋办 啥 么 嘛 哦 办 办理 弄 搞 申请 手续 问 问题 帮 帮忙 帮我 "
    "一下子 过来 过去 大厅 中心 这里 这边 吗？ 呢？ 该 应该 已经 时候 里 上 下 "
)
# Aspect words: what is asked about an item (materials, time, fee, windows, visits, steps). Scored, so
# they meet an FAQ's own wording, but not counted when judging whether the subject was found.
ZH_ASPECT = words(
    "带 带什么 材料 资料 证件 需要 准备 多久 几天 多长时间 时间 时限 工作日 拿到 出来 下来 "
    "多少 多少钱 钱 收费 费用 费 免费 交 窗口 几号 哪个 哪里 哪儿 在哪 地方 跑 几次 次 趟 "
    "网上 线上 流程 步骤 怎么弄 能领 "
)
ZH_SYNONYMS = {
    "低保": ["最低生活保障"],
    "医保": ["医疗保险"],
    "社保": ["社会保险", "养老保险"],
    "个税": ["个人所得税"],
    "退税": ["汇算", "退税"],
    "公积金": ["住房公积金"],
    "房产证": ["不动产", "不动产权证"],
    "看病": ["就医"],
    "报销": ["结算"],
    "外地": ["异地"],
    "过期": ["有效期", "换领"],
    "到期": ["有效期"],
    "换": ["换领"],
    "员工": ["职工"],
    "新员工": ["职工", "新招用"],
    "个人": ["自然人"],
    "个体户": ["个体工商户"],
    "开店": ["个体工商户"],
    "小店": ["个体工商户"],
    "执照": ["营业执照"],
    "重新": ["再次"],
    "续": ["再次"],
    "续签": ["再次签注"],
    "家里人": ["别人", "委托"],
    "家人": ["别人", "委托"],
    "亲戚": ["别人", "委托"],
    "朋友": ["别人", "委托"],
    "他人": ["别人", "委托"],
    "带齐": ["不齐", "齐全"],
    "停车": ["停车场"],
    "停车位": ["停车场"],
    "上户口": ["出生登记", "落户"],
    "迁": ["迁移"],
    "生孩子": ["出生"],
    "新生儿": ["出生"],
    "领证": ["结婚证"],
    "二手房": ["存量房", "二手房"],
    "买房": ["购房"],
    "中午": ["午休"],
    "休息": ["午休"],
    "周末": ["周六", "周日"],
    "礼拜六": ["周六"],
    "星期六": ["周六"],
    "上班": ["办公时间"],
    "开门": ["办公时间"],
    "香港": ["港澳"],
    "澳门": ["港澳"],
    "出国": ["护照"],
    "加快": ["加急"],
    "寄": ["邮寄"],
    "快递": ["邮寄"],
    "注册": ["设立"],
    "开公司": ["企业设立"],
    "公司": ["企业"],
    "不做": ["注销"],
    "关闭": ["注销"],
    "贷": ["贷款"],
    "补": ["补办", "补领"],
    "丢": ["补办", "挂失"],
    "丢失": ["补办", "挂失"],
    "代开": ["代开"],
    "养老金": ["养老保险", "退休"],
    "退休金": ["退休"],
    "网上": ["网上"],
}
EN_STOP = words(
    "a an the i me my we our you your it its is are am be been was were do does did doing to "
    "of for in on at by with from and or can could should would will shall may might must how "
    "what which who whom when where why there here this that these those please hi hello get "
    "getting got have has had need needs want wants like about as if so not no any some just "
    "also one into up out down there hall centre center "
)
EN_ASPECT = words(
    "long take takes time days day much cost costs fee fees price pay free bring documents "
    "document papers paper materials material required require window windows counter "
    "counters desk visit visits trips trip times step steps process procedure apply "
    "application ready quickly "
)
EN_SYNONYMS = {
    "id": ["identity"],
    "license": ["licence"],
    "licenses": ["licence"],
    "hk": ["hong"],
    "macau": ["macao"],
    "wedding": ["marriage"],
    "marry": ["marriage"],
    "married": ["marriage"],
    "divorced": ["divorce"],
    "retire": ["retirement"],
    "retiring": ["retirement"],
    "pension": ["pension", "retirement"],
    "jobless": ["unemployment"],
    "unemployed": ["unemployment"],
    "baby": ["birth"],
    "newborn": ["birth"],
    "born": ["birth"],
    "house": ["home"],
    "flat": ["home"],
    "apartment": ["home"],
    "property": ["estate"],
    "firm": ["company"],
    "shop": ["individual"],
    "store": ["individual"],
    "hours": ["opening"],
    "open": ["opening"],
    "opens": ["opening"],
    "saturday": ["saturday", "opening"],
    "sunday": ["sunday", "opening"],
    "close": ["closing", "deregistration"],
    "secondhand": ["resale"],
    "second": ["resale"],
    "hand": ["resale"],
    "urgently": ["urgent"],
    "express": ["urgent"],
    "quick": ["urgent"],
    "abroad": ["passport"],
    "city": ["area"],
    "elsewhere": ["outside"],
    "another": ["outside"],
    "parking": ["park"],
    "car": ["park"],
    "someone": ["agent"],
    "else": ["agent"],
    "behalf": ["agent"],
    "lost": ["lose"],
    "refund": ["refund"],
    "benefits": ["benefit"],
    "welfare": ["allowance"],
}
