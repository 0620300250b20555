"""Demo operating guides (issue 17): published guides for six items of the demo catalogue (business
registration, passport, housing-fund withdrawal and three social-security items) and the four
special-event procedures, in simplified Chinese and English (traditional is converted). Material checks
are given in the catalogue's order of materials. Each guide is written through the real services."""

from servicehall.core.actors import Actor
from servicehall.core.models import Hall

S = "11350199MB0A12345K-"
GUIDES = {
    "11350199MB1D45639W-XK-001": {  # 企业设立登记 → 营业执照
        "steps": [
            "核验申请人或委托代理人身份（身份证读卡、人证比对）",
            "在“一网通办”系统中调出网上预审的申请，核对名称自主申报结果",
            "逐项核对材料，与系统中填报的信息一致后受理",
            "材料齐全、符合法定形式的，当场作出准予登记决定",
            "打印营业执照正副本，请申请人当面核对后签收；告知电子营业执照领取方式",
        ],
        "steps_en": [
            "Verify the applicant's or agent's identity (read the ID card, compare face to photo)",
            "Open the application pre-checked online and check the self-declared company name",
            "Check each material against what was filed in the system, then accept",
            "Complete and in legal form: decide to register on the spot",
            "Print the licence original and copy; the applicant checks and signs; explain the e-licence",
        ],
        "checks": [
            (
                "申请书须由法定代表人签署；名称、住所、注册资本与系统一致",
                "Signed by the legal representative; name, address and registered capital match the system",
            ),
            (
                "章程须全体股东签署，出资方式、出资额、出资时间齐全",
                "Signed by every shareholder; contribution form, amount and date all stated",
            ),
            (
                "自然人股东核验身份证原件；法人股东须加盖公章的营业执照复印件",
                "Individuals: original ID; corporate shareholders: sealed copy of their licence",
            ),
            (
                "任职文件与章程规定的产生程序一致；法定代表人不得为失信被执行人",
                "Appointment follows the articles; the legal representative is not a listed defaulter",
            ),
            (
                "产权证明或租赁合同地址须与申报住所完全一致",
                "Title or lease address exactly matches the declared business address",
            ),
            ("委托事项和期限明确，受托人身份证原件", "Scope and term stated; the agent's original ID"),
        ],
        "mistakes": [
            "住所填写到门牌号但产权证明只到楼栋，未要求补充说明",
            "经营范围未使用规范表述，登记后无法办理后置许可",
            "未提示申请人同步办理社保、公积金开户",
        ],
        "mistakes_en": [
            "Address given to the door number while the title shows only the building, no explanation asked",
            "Business scope not in the standard wording, blocking the later permits",
            "Not telling the applicant to open social-security and housing-fund accounts at the same time",
        ],
        "legal_basis_en": "Market Entities Registration Regulations, art. 3, 16, 19; Company Law, art. 29",
        "collection_note": "企业登记须核实法定代表人、股东及经办人身份（《市场主体登记管理条例》第十九条），"
        "手机号用于接收登记结果短信。",
        "collection_note_en": "Registration must verify the identity of the legal representative, "
        "shareholders and agent (Registration Regulations art. 19); the mobile receives the result.",
    },
    "11350199MB0F34538T-XK-001": {  # 普通护照签发
        "steps": [
            "身份证读卡核验，采集指纹和现场照片，人像比对",
            "核查申请人是否属于不准出境人员、国家工作人员备案情况",
            "核对照片是否符合出入境证件照片标准，不符合的引导至自助照相",
            "录入申请信息并请申请人核对签名，收取证件费",
            "告知审批时限（7个工作日）和领取方式（邮寄或自取）",
        ],
        "steps_en": [
            "Read the ID card, take fingerprints and a live photo, compare faces",
            "Check exit restrictions and whether the applicant is a registered state employee",
            "Check the photo meets the exit-entry standard; if not, send to the photo booth",
            "Enter the application, have the applicant check and sign it, collect the fee",
            "Explain the time limit (7 working days) and collection (post or in person)",
        ],
        "checks": [
            (
                "原件在有效期内，非临时身份证须核验；户籍地或居住证信息",
                "Original within validity; hukou or residence permit",
            ),
            (
                "6个月内、白色背景、不戴帽、露双耳，回执号可在系统查验",
                "Within 6 months, white background, "
                "bareheaded, ears visible; receipt number checks in the system",
            ),
            (
                "原护照须交回剪角；遗失的须先办理挂失申报",
                "Old passport handed in and cut; a lost one must be reported lost first",
            ),
            (
                "未满16周岁：监护人到场，出生医学证明或户口簿证明监护关系",
                "Under 16: the guardian comes; birth certificate or hukou booklet proves guardianship",
            ),
        ],
        "mistakes": [
            "未核查国家工作人员备案，导致证件签发后被收回",
            "照片背景偏灰未退回，制证环节退件",
            "原护照仍在有效期内却未问清换发原因",
        ],
        "mistakes_en": [
            "Not checking the state-employee register: the passport is recalled after issue",
            "Accepting a greyish photo background: rejected at printing",
            "Not asking why a passport still valid is being replaced",
        ],
        "legal_basis_en": "Exit and Entry Administration Law, art. 9; Passport Law, art. 5 and 6",
        "collection_note": "护照签发须核实身份和户籍（《护照法》第五条），手机号用于通知审批结果和邮寄。",
        "collection_note_en": "The passport needs identity and hukou verified (Passport Law art. 5); the "
        "mobile is for the decision and the post.",
    },
    "12350199MB0J78962N-GG-001": {  # 住房公积金提取（购房）
        "steps": [
            "核验职工身份，查询公积金账户状态（正常缴存、无冻结、无未结清贷款）",
            "核对购房合同、发票与不动产权证书上的房屋地址、产权人一致",
            "计算可提取额度：不超过购房款及账户余额，配偶同时提取的合并计算",
            "录入提取申请，银行卡须为本人一类借记卡",
            "告知到账时间（3个工作日内）和同一套房提取次数限制",
        ],
        "steps_en": [
            "Verify the member; check the account (contributing, not frozen, no unpaid loan)",
            "Check that contract, invoice and title name the same address and owner",
            "Work out the amount: at most the price and the balance; a spouse's withdrawal counts together",
            "Enter the withdrawal; the bank card must be the member's own class-I debit card",
            "Explain when the money arrives (within 3 working days) and the limit per home",
        ],
        "checks": [
            ("本人原件；代办的须有公证委托书", "Member's original; an agent needs a notarised authorisation"),
            ("网签备案合同，备案号可在住建系统查验", "Registered online contract; check the filing number"),
            (
                "发票金额与合同一致；契税完税凭证与房屋一致",
                "Invoice amount matches the contract; deed tax receipt names the same home",
            ),
            ("取得时间在提取申请前一年内", "Issued within the year before the application"),
            (
                "配偶共同提取时核验；离婚的须查看离婚协议房产约定",
                "Checked when the spouse withdraws too; after divorce, read the property clause",
            ),
            ("本人名下一类卡，卡号与系统登记一致", "Class-I card in the member's own name, number matches"),
        ],
        "mistakes": [
            "未合并计算配偶已提取金额，超额提取",
            "购房时间超过一年仍予受理",
            "银行卡为二类账户，资金退回",
        ],
        "mistakes_en": [
            "Not adding the spouse's withdrawals: too much paid out",
            "Accepting a purchase more than a year old",
            "A class-II bank account: the money bounces",
        ],
        "legal_basis_en": "Regulations on the Administration of the Housing Provident Fund, art. 24 and 25",
        "collection_note": "提取须核实职工本人身份（《住房公积金管理条例》第二十四条），手机号用于到账通知。",
        "collection_note_en": "Withdrawal must verify the member (Housing Fund Regulations art. 24); "
        "the mobile receives the payment notice.",
    },
    S + "GG-001": {  # 城乡居民基本养老保险参保登记
        "steps": [
            "核验身份证和户口簿，确认为本区户籍、年满16周岁且非在校学生",
            "查询全国社保信息，确认未参加职工基本养老保险",
            "登记参保信息，讲解缴费档次和政府补贴标准，由本人选择档次",
            "签订银行代扣协议或告知自主缴费渠道",
            "打印参保登记回执交申请人",
        ],
        "steps_en": [
            "Check ID card and hukou: registered here, 16 or over, not a student",
            "Query the national register: not in the employee pension scheme",
            "Enrol; explain the grades and subsidies; the person chooses a grade",
            "Sign the bank direct-debit or explain self-payment",
            "Print the enrolment receipt for the applicant",
        ],
        "checks": [
            ("原件在有效期内，人证一致", "Original within validity, matches the person"),
            ("核对本人页户籍地址为本区", "Own page shows a hukou address in the district"),
            ("本人签字，缴费档次勾选唯一", "Signed; exactly one grade ticked"),
            ("代办时须有委托书和代办人身份证", "With an agent: authorisation and the agent's ID"),
        ],
        "mistakes": ["未查询职工养老保险参保记录，导致重复参保", "替申请人选择缴费档次"],
        "mistakes_en": [
            "Not checking employee-pension records: enrolled twice",
            "Choosing the contribution grade for the applicant",
        ],
        "legal_basis_en": "Social Insurance Law, art. 20 and 22; State Council opinion Guo Fa [2014] No. 8",
        "collection_note": "参保登记须核实身份和户籍（《社会保险法》第二十条）。",
        "collection_note_en": "Enrolment must verify identity and hukou (Social Insurance Law art. 20).",
    },
    S + "JF-002": {  # 失业保险金申领
        "steps": [
            "核验身份，查询失业登记和失业保险缴费记录（累计满1年）",
            "核对解除或终止劳动关系证明，确认非因本人意愿中断就业",
            "计算领取期限和标准并当面告知",
            "录入申领信息，核对社会保障卡金融账户已激活",
        ],
        "steps_en": [
            "Verify identity; check unemployment registration and at least one year of contributions",
            "Check the proof of ended employment: not left of their own will",
            "Work out the period and amount and tell the applicant",
            "Enter the claim; check the social security card's bank account is active",
        ],
        "checks": [
            ("原件，人证一致", "Original, matches the person"),
            ("须加盖单位公章，写明解除原因和日期", "Company seal, reason and date stated"),
            ("金融功能已激活", "Bank function activated"),
            ("登记日期在劳动关系解除之后", "Registered after the employment ended"),
        ],
        "mistakes": ["主动辞职仍予受理", "未告知领取期间须每月办理失业状态确认"],
        "mistakes_en": [
            "Accepting a voluntary resignation",
            "Not explaining the monthly confirmation of unemployment while receiving benefit",
        ],
        "legal_basis_en": "Social Insurance Law, art. 45, 50; Unemployment Insurance Regs, art. 14, 16",
        "collection_note": "申领须核实本人身份（《失业保险条例》第十六条），手机号用于发放通知。",
        "collection_note_en": "The claim must verify the person (Unemployment Regulations art. 16); "
        "the mobile receives payment notices.",
    },
    S + "GG-003": {  # 社会保障卡申领
        "steps": [
            "核验身份，查询是否已有社会保障卡（已有的引导至补换卡）",
            "采集或核对照片，请申请人选择合作银行",
            "录入申领信息，当场制卡的引导至即时制卡机",
            "告知启用金融功能和设置密码的方式",
        ],
        "steps_en": [
            "Verify identity; check for an existing card (if any, go to replacement)",
            "Take or check the photo; the applicant chooses a partner bank",
            "Enter the application; for instant issue, go to the card printer",
            "Explain how to activate the bank function and set the PIN",
        ],
        "checks": [
            ("原件，人证一致", "Original, matches the person"),
            ("白色背景、不戴帽，电子回执可代替", "White background, bareheaded; an e-receipt will do"),
            ("未满16周岁须监护人到场并核验其身份证", "Under 16: the guardian comes with their ID"),
        ],
        "mistakes": ["已有卡仍按首次申领受理，导致一人两卡", "未提示金融功能须本人到银行激活"],
        "mistakes_en": [
            "Treating a person with a card as a first application: two cards",
            "Not saying the bank function needs activating in person",
        ],
        "legal_basis_en": "Social Insurance Law, art. 58",
        "collection_note": "制卡须核实身份（《社会保险法》第五十八条）；手机号用于制卡进度短信。",
        "collection_note_en": "The card needs identity verified (Social Insurance Law art. 58); the mobile "
        "gets progress texts.",
    },
}

PROCEDURES = [
    {
        "code": "manual-calling",
        "title": "系统故障时手工叫号",
        "title_en": "Manual calling when the system fails",
        "title_zh_hant": "系統故障時手工叫號",
        "summary": "排队叫号系统、显示屏或取号机无法使用时",
        "summary_en": "When the queue system, board or kiosks cannot be used",
        "steps": [
            "立即报告值班长和信息科，记录故障开始时间",
            "启用备用纸质号票，按业务类别分色发放，号码从 001 起",
            "大厅广播和引导员口头告知群众改为人工叫号，致歉并说明预计时间",
            "各窗口按纸质号顺序人工叫号，已在系统中的号码优先",
            "每办结一件在纸质登记表上记录号码、事项和办结时间",
            "系统恢复后将纸质登记补录入系统，并核对无遗漏",
        ],
        "steps_en": [
            "Report to the shift leader and IT at once; note when the failure began",
            "Hand out the spare paper tickets, a colour per service type, numbered from 001",
            "Announce the manual calling in the hall; apologise and give the expected time",
            "Each window calls paper numbers in order; numbers already in the system first",
            "For each case done, write the number, item and time on the paper register",
            "When the system is back, enter the paper register and check nothing is missing",
        ],
    },
    {
        "code": "agitated-citizen",
        "title": "群众情绪激动",
        "title_en": "An agitated citizen",
        "title_zh_hant": "群眾情緒激動",
        "summary": "群众在窗口大声争执、情绪失控或有过激言行时",
        "summary_en": "When a citizen argues loudly, loses control or behaves aggressively at the window",
        "steps": [
            "保持语气平和，不争辩，称呼“您”，先倾听诉求",
            "按下窗口呼叫按钮或通知值班长到场",
            "请群众到接待室或洽谈区单独沟通，避免影响其他群众",
            "能当场解决的当场解决；不能解决的说明原因、依据和下一步",
            "出现人身威胁时立即呼叫安保，必要时报警（110）",
            "事后如实记录经过，涉及投诉的转投诉处理流程",
        ],
        "steps_en": [
            "Keep a calm voice, do not argue, listen to what they need first",
            "Press the window call button or ask the shift leader to come",
            "Invite them to the reception room to talk apart from the queue",
            "Solve it now if possible; if not, explain why, on what basis, and what next",
            "At any threat of violence call security at once; call 110 if needed",
            "Afterwards write down what happened; a complaint goes to the complaint process",
        ],
    },
    {
        "code": "fire-evacuation",
        "title": "消防疏散",
        "title_en": "Fire evacuation",
        "title_zh_hant": "消防疏散",
        "summary": "火灾报警、闻到烟味或接到疏散指令时",
        "summary_en": "On a fire alarm, a smell of smoke or an order to evacuate",
        "steps": [
            "停止办理业务，锁定电脑屏幕，收好群众的原件交还本人",
            "大声告知窗口前群众：请跟随指示牌从最近的安全出口离开，不要乘电梯",
            "优先协助老人、儿童、孕妇和行动不便的群众",
            "按责任区检查窗口后方和洽谈区无人滞留",
            "到室外集合点向值班长报到，报告本区域人数和情况",
            "未经消防或值班长通知，不得返回大厅",
        ],
        "steps_en": [
            "Stop serving, lock the screen, hand citizens back their original documents",
            "Tell everyone at the window to follow the signs to the nearest exit, no lifts",
            "Help the elderly, children, pregnant women and people with reduced mobility first",
            "Check your area behind the windows and the meeting area is empty",
            "Report to the shift leader at the assembly point with your area's head count",
            "Do not go back in until the fire service or the shift leader says so",
        ],
    },
    {
        "code": "assist-elderly-disabled",
        "title": "老年人/残障人士协助",
        "title_en": "Assisting elderly or disabled citizens",
        "title_zh_hant": "老年人/殘障人士協助",
        "summary": "老年人、视障、听障或行动不便的群众前来办事时",
        "summary_en": "When an elderly, blind, deaf or mobility-impaired citizen comes to the window",
        "steps": [
            "优先叫号或引导至爱心窗口，提供座椅、老花镜或放大镜",
            "语速放慢，必要时使用手写板；听障群众可使用远程手语翻译",
            "视障群众：逐项读出材料和表格内容，经本人同意后协助填写",
            "不会使用智能手机的，提供现场办理，不得强制网上办理",
            "需签字的文件读给本人确认后再签字或按手印",
            "办结后询问是否需要引导至出口或无障碍通道",
        ],
        "steps_en": [
            "Call them first or guide them to the priority window; offer a seat, glasses or a magnifier",
            "Speak slowly, use the writing pad if needed; deaf citizens may use remote sign interpreting",
            "Blind citizens: read each material and form aloud, fill it in only with their consent",
            "Those without a smartphone are served here; never insist on the online channel",
            "Read any document aloud for confirmation before they sign or fingerprint it",
            "When done, ask whether they want to be guided to the exit or the step-free route",
        ],
    },
]


def demo_guides(actor: Actor, hall: Hall) -> None:
    """Publish the six guides and add the four procedures (skipped for an item the hall lacks)."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.guides import services

    for position, data in enumerate(PROCEDURES):
        services.procedure_save(actor=actor, hall=hall, data={**data, "position": position})
    for code, text in GUIDES.items():
        item = ServiceItem.objects.filter(hall=hall, code=code).first()
        if item is None:
            continue
        draft = services.guide_draft_start(actor=actor, item=item)
        checks = {
            str(c.pk): {"points": zh, "points_en": en}
            for c, (zh, en) in zip(draft.checks.all(), text["checks"], strict=False)
        }
        data = {k: v for k, v in text.items() if k != "checks"}
        draft = services.guide_draft_save(actor=actor, guide=draft, data={**data, "checks": checks})
        services.guide_publish(actor=actor, guide=draft)
    _demo_uses(hall)


USES = [
    # procedure, window, days ago, hour, what happened, outcome
    ("manual-calling", "3", 12, 9, "叫号系统服务器断网约25分钟，启用纸质号票", "恢复后补录37个号，无遗漏"),
    (
        "agitated-citizen",
        "2",
        6,
        15,
        "群众因材料不全被退回两次，情绪激动",
        "值班长到场解释，当场开具一次性告知单",
    ),
    (
        "assist-elderly-disabled",
        "1",
        2,
        10,
        "八旬老人独自办理养老保险待遇认证",
        "代为读表填写，引导至无障碍通道",
    ),
]


def _demo_uses(hall: Hall) -> None:
    """A few uses in the past fortnight so the managers' log has something to show (backdated)."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from servicehall.guides import services
    from servicehall.guides.models import Procedure, ProcedureUse

    clerk = get_user_model().objects.filter(username="clerk").first()
    if clerk is None:
        return
    for code, window, days, hour, happened, outcome in USES:
        procedure = Procedure.objects.get(hall=hall, code=code)
        counter = hall.counters.filter(number=window).first()
        use = services.procedure_use_log(
            actor=Actor(user=clerk),
            procedure=procedure,
            happened=happened,
            outcome=outcome,
            counter_id=counter.pk if counter else None,
            ticked=len(procedure.steps) - 1,
        )
        day = timezone.localdate() - datetime.timedelta(days=days)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 20)))
        ProcedureUse.objects.filter(pk=use.pk).update(used_at=at)
