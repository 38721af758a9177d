//! Word lists: names, notes, comments, tokens. Small fixed tables; the generator draws
//! from them by index, so changing a list changes the output of every seed.

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "欧阳", "司马",
];

pub(crate) const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "丹", "鹏", "斌", "宇",
    "浩", "欣怡", "子涵", "俊杰", "玉兰", "文博", "雪梅", "国庆", "红梅", "建国", "婷婷", "晨曦",
    "思远", "佳怡", "宏伟", "立新", "春花", "志刚", "秀兰", "一鸣",
];

/// A maker whose cars the dealership sells (a 4S dealership holds one brand's franchise):
/// the world manufacturer identifiers (VIN positions 1–3) of its Chinese joint venture, its
/// models, and how expensive its workshop is.
pub(crate) struct Brand {
    /// The joint venture, as customers name it; read by the tests.
    #[allow(dead_code)]
    pub(crate) name: &'static str,
    pub(crate) wmis: &'static [&'static str],
    pub(crate) models: &'static [Model],
    /// Service order revenue in percent of a mainstream brand's.
    pub(crate) service_percent: i64,
}

/// One model: the generator's code for it in VIN positions 4–8 (a plausible vehicle
/// descriptor, not the maker's real one; letters I, O, Q never occur in a VIN), its name,
/// its list price band in yuan and its share of the brand's sales (weights).
pub(crate) struct Model {
    pub(crate) vds: &'static str,
    /// Read by the tests (no generated file names models).
    #[allow(dead_code)]
    pub(crate) name: &'static str,
    pub(crate) price_yuan: (i64, i64),
    pub(crate) weight: u32,
}

const fn m(vds: &'static str, name: &'static str, lo: i64, hi: i64, weight: u32) -> Model {
    Model {
        vds,
        name,
        price_yuan: (lo, hi),
        weight,
    }
}

/// Brands sold in China, one drawn per seed. Price bands are the makers' list prices of
/// 2024 (guide prices, 指导价), rounded.
pub(crate) const BRANDS: &[Brand] = &[
    Brand {
        name: "一汽-大众",
        wmis: &["LFV"],
        models: &[
            m("BA41J", "宝来", 99_800, 149_800, 30),
            m("SA23C", "速腾", 129_800, 199_800, 35),
            m("MB2E4", "迈腾", 189_900, 279_900, 20),
            m("TY7K5", "探岳", 189_900, 289_900, 15),
        ],
        service_percent: 100,
    },
    Brand {
        name: "上汽大众",
        wmis: &["LSV"],
        models: &[
            m("LA3C2", "朗逸", 99_900, 149_900, 40),
            m("PA5D7", "帕萨特", 179_900, 259_900, 25),
            m("TG4H8", "途观L", 199_900, 289_900, 25),
            m("TR6M3", "途昂", 279_900, 359_900, 10),
        ],
        service_percent: 100,
    },
    Brand {
        name: "广汽本田",
        wmis: &["LHG"],
        models: &[
            m("FT2B6", "飞度", 84_800, 112_800, 20),
            m("LP3C8", "凌派", 109_800, 149_800, 30),
            m("AC4E5", "雅阁", 179_800, 259_800, 30),
            m("HY5R2", "皓影", 179_900, 249_900, 20),
        ],
        service_percent: 95,
    },
    Brand {
        name: "东风日产",
        wmis: &["LGB"],
        models: &[
            m("SY1F7", "轩逸", 99_800, 149_900, 45),
            m("QQ2J3", "逍客", 139_900, 189_900, 20),
            m("XT3K9", "奇骏", 179_900, 259_900, 20),
            m("TN4G6", "天籁", 179_900, 269_900, 15),
        ],
        service_percent: 90,
    },
    Brand {
        name: "上汽通用别克",
        wmis: &["LSG"],
        models: &[
            m("YL2A5", "英朗", 89_900, 129_900, 35),
            m("JW3C7", "君威", 175_900, 225_900, 20),
            m("JY4D2", "君越", 219_900, 299_900, 15),
            m("GL8T6", "GL8", 239_900, 349_900, 30),
        ],
        service_percent: 100,
    },
    Brand {
        name: "一汽丰田",
        wmis: &["LFM"],
        models: &[
            m("CR1E3", "卡罗拉", 109_800, 159_800, 40),
            m("AS2A8", "亚洲龙", 179_800, 279_800, 20),
            m("RV4H5", "RAV4荣放", 175_800, 269_800, 30),
            m("CK5L2", "皇冠陆放", 299_800, 399_800, 10),
        ],
        service_percent: 95,
    },
    Brand {
        name: "华晨宝马",
        wmis: &["LBV", "LBW"],
        models: &[
            m("3S2A7", "3系", 299_900, 409_900, 35),
            m("5L3C4", "5系", 439_900, 559_900, 20),
            m("X1N5D", "X1", 289_900, 339_900, 25),
            m("X3G8E", "X3", 399_900, 489_900, 20),
        ],
        service_percent: 220,
    },
];

pub(crate) const NOTE_REACHED: &[&str] = &[
    "客户满意, 无问题",
    "车辆使用正常",
    "客户询问首保时间",
    "已提醒下次保养",
    "客户反映油耗偏高",
    "客户对交车过程满意",
    "客户建议延长营业时间",
];
pub(crate) const NOTE_NO_ANSWER: &[&str] = &["无人接听", "关机", "响铃无人接"];
pub(crate) const NOTE_BUSY: &[&str] = &["占线", "客户在开会, 稍后再联系"];
pub(crate) const NOTE_CALLBACK: &[&str] = &["客户要求晚上回电", "客户在开车, 约定明天再打"];
pub(crate) const NOTE_WRONG: &[&str] = &["号码错误", "空号"];
pub(crate) const NOTE_REFUSED: &[&str] = &["客户拒绝回访", "客户表示不需要回访"];
pub(crate) const NOTE_SENT: &[&str] = &["短信已发送", "微信已发送", "已寄出感谢信"];
/// Notes of a recovery message sent (no one to tell why they left).
pub(crate) const NOTE_CHURN_SENT: &[&str] =
    &["赠送保养券一张", "邀请参加会员日活动", "已发送回厂保养优惠"];
/// Notes of a recovery call, by the reason the customer gave (`cadence::REASONS`).
pub(crate) const NOTE_REASON_POOR_SERVICE: &[&str] = &[
    "上次保养等了很久, 不想再来",
    "对上次维修结果不满意",
    "嫌顾问态度不好",
];
pub(crate) const NOTE_REASON_NOT_CARED_FOR: &[&str] =
    &["买车后没人联系过他", "觉得店里不重视老客户"];
pub(crate) const NOTE_REASON_CHEAPER: &[&str] = &[
    "客户已在外地保养, 价格原因",
    "对面新开的快修店便宜一半",
    "客户表示近期会回厂保养, 但嫌价格高",
];
pub(crate) const NOTE_REASON_BETTER_PRODUCT: &[&str] =
    &["已换了别的品牌的车", "在别家买了新能源车"];
pub(crate) const NOTE_REASON_MOVED: &[&str] = &["客户搬家了, 离店较远", "客户调到外地工作"];
pub(crate) const NOTE_REASON_OTHER: &[&str] = &["车已经卖了", "车很少开, 暂时不需要保养"];
/// Notes of care by tier: the touches of seed `004_*` (恶劣天气提醒, 保养使用提醒, 爱车讲堂,
/// 活动邀约, 节日祝福 …). Routine touches by customer care; invitations by marketing; the
/// greetings of a birthday or a festival (`festivals.rs`) on that day.
pub(crate) const NOTE_CARE: &[&str] = &[
    "保养提醒",
    "雨季安全驾驶提示",
    "恶劣天气提醒",
    "换季检测邀约",
    "夏季空调检测提醒",
];
pub(crate) const NOTE_CARE_INVITE: &[&str] = &["爱车讲堂邀请", "会员日活动邀约", "新车品鉴会邀约"];
pub(crate) const NOTE_BIRTHDAY: &[&str] = &["生日祝福"];
/// A maintenance reminder before a service visit.
pub(crate) const NOTE_MAINTENANCE: &[&str] = &["保养提醒"];
/// Notes of renewal reminders (保险到期提醒, 续保优惠).
pub(crate) const NOTE_RENEWAL: &[&str] = &[
    "保险到期提醒",
    "已报续保优惠价",
    "客户同意续保",
    "客户考虑中, 下周再联系",
];

pub(crate) const COMMENT_HAPPY: &[&str] = &[
    "很满意",
    "服务周到, 下次还来",
    "顾问讲解很细致",
    "洗车很干净",
    "速度快，态度好",
    "整体不错",
    "休息区环境好, 有免费饮料",
];

/// What an unhappy customer says about each issue token they name: a comment always talks
/// about the survey's (first) issue. The second list is what a satisfied customer adds
/// about a minor issue.
pub(crate) const COMMENTS_BY_ISSUE: &[(&str, &[&str], &[&str])] = &[
    (
        "waiting_time",
        &[
            "等待时间太长",
            "保养时间比约定的长",
            "预约了还要排队一个多小时",
        ],
        &["整体满意, 就是等的时间有点长"],
    ),
    (
        "price",
        &["价格不透明，收费偏高", "工时费比外面贵很多", "结算比报价高"],
        &["服务不错, 价格再优惠点就好了"],
    ),
    (
        "service_attitude",
        &[
            "服务态度冷淡, 不耐烦",
            "顾问态度不好, 爱理不理",
            "顾问说\"这是正常现象\", 不给解决",
        ],
        &["顾问有点忙, 没顾上招呼"],
    ),
    (
        "information",
        &[
            "没有提前告知增加的项目",
            "交车时讲解不清楚",
            "保修政策没人说清楚",
        ],
        &["讲解可以再详细一些"],
    ),
    (
        "broken_promise",
        &[
            "销售顾问承诺的赠品没有兑现",
            "说好当天交车却没有",
            "答应回电话结果没回",
        ],
        &["赠品晚了几天才给"],
    ),
    (
        "product_quality",
        &[
            "维修后问题依旧, 需要再次进店",
            "新车有划痕, 交车前没检查",
            "车内有异响",
        ],
        &["车有个小异响, 下次保养再看看"],
    ),
    (
        "process",
        &[
            "上牌手续拖了很久",
            "结算流程太复杂",
            "预约系统出错, 白跑一趟",
        ],
        &["手续还可以再简化"],
    ),
    (
        "response_time",
        &["电话一直没人接", "问题反映了三天才有人回复", "客服回电太慢"],
        &["回电稍微慢了一点"],
    ),
];

/// The comments of an issue token: (unhappy, satisfied).
pub(crate) fn comments_of_issue(issue: &str) -> (&'static [&'static str], &'static [&'static str]) {
    COMMENTS_BY_ISSUE
        .iter()
        .find(|(token, _, _)| *token == issue)
        .map(|(_, unhappy, minor)| (*unhappy, *minor))
        .unwrap_or((&["客户说\"再也不来了\""], &["整体不错"]))
}

/// Issue tokens per subject department, drawn from the complaint categories of the seed
/// material (attitude, information, broken promises, response time, product quality,
/// process) plus price and waiting time.
pub(crate) const ISSUES_SALES: &[&str] = &[
    "service_attitude",
    "information",
    "broken_promise",
    "price",
    "process",
    "product_quality",
    "waiting_time",
];
pub(crate) const ISSUES_AFTER_SALES: &[&str] = &[
    "waiting_time",
    "product_quality",
    "price",
    "service_attitude",
    "broken_promise",
    "response_time",
    "process",
    "information",
];
pub(crate) const ISSUES_CARE: &[&str] = &[
    "response_time",
    "service_attitude",
    "information",
    "process",
];
pub(crate) const ISSUES_INSURANCE: &[&str] = &["response_time", "process", "price", "information"];

/// Questions per subject department, each with how its score leans from the survey's
/// overall score: weights of one point lower, the same, one point higher. Customers rate
/// people above waiting and prices (the after-sales `waiting_time` mean sits well below
/// `advisor_attitude`), as every 回访月报 shows. A question about an issue the survey
/// names scores lower still (`QUESTION_ISSUES`).
pub(crate) type Question = (&'static str, [u32; 3]);

pub(crate) const QUESTIONS_SALES: &[Question] = &[
    ("consultant_attitude", [8, 55, 37]),
    ("delivery_explanation", [20, 60, 20]),
    ("vehicle_condition", [15, 60, 25]),
    ("price_transparency", [40, 50, 10]),
    ("delivery_timeliness", [30, 55, 15]),
];
pub(crate) const QUESTIONS_AFTER_SALES: &[Question] = &[
    ("advisor_attitude", [8, 55, 37]),
    ("repair_quality", [18, 60, 22]),
    ("waiting_time", [50, 42, 8]),
    ("price_transparency", [42, 48, 10]),
    ("car_wash", [25, 55, 20]),
];
pub(crate) const QUESTIONS_CARE: &[Question] = &[
    ("staff_attitude", [6, 54, 40]),
    ("communication", [15, 60, 25]),
    ("problem_resolution", [35, 50, 15]),
    ("call_timing", [25, 60, 15]),
];
pub(crate) const QUESTIONS_INSURANCE: &[Question] = &[
    ("claim_speed", [40, 50, 10]),
    ("price_transparency", [35, 52, 13]),
    ("staff_attitude", [8, 55, 37]),
];

/// (issue token, question it drags down).
pub(crate) const QUESTION_ISSUES: &[(&str, &str)] = &[
    ("waiting_time", "waiting_time"),
    ("waiting_time", "delivery_timeliness"),
    ("waiting_time", "claim_speed"),
    ("price", "price_transparency"),
    ("service_attitude", "consultant_attitude"),
    ("service_attitude", "advisor_attitude"),
    ("service_attitude", "staff_attitude"),
    ("information", "delivery_explanation"),
    ("information", "communication"),
    ("product_quality", "repair_quality"),
    ("product_quality", "vehicle_condition"),
    ("response_time", "call_timing"),
    ("response_time", "problem_resolution"),
    ("broken_promise", "problem_resolution"),
];

/// What a complaint (投诉) says, by category (seed `001_*`'s 投诉类别).
pub(crate) const COMPLAINT_SUMMARIES: &[(&str, &[&str])] = &[
    (
        "service_attitude",
        &[
            "顾问态度冷淡, 不理睬客户",
            "前台接待不耐烦",
            "电话里说话很冲",
        ],
    ),
    (
        "information",
        &["保养项目没有提前说明", "不清楚保修政策", "费用明细没有解释"],
    ),
    (
        "broken_promise",
        &[
            "承诺的赠品没有兑现",
            "说好当天交车却没有",
            "报价和结算不一致",
        ],
    ),
    (
        "response_time",
        &[
            "等了三个小时才修好",
            "打了几次电话都没人回",
            "预约后仍然排队很久",
        ],
    ),
    (
        "product_quality",
        &["同一个问题修了两次还没好", "新车异响", "空调不制冷"],
    ),
    (
        "process",
        &["结算流程太复杂", "预约系统出错", "取车手续繁琐"],
    ),
];

/// Notes of complaint steps, by step.
pub(crate) const NOTE_ESCALATED: &[&str] = &["已递交总经理", "已上报服务经理, 抄送总经理"];
pub(crate) const NOTE_REPLIED: &[&str] = &[
    "已致电客户说明处理方案",
    "服务经理亲自回电致歉",
    "已约客户到店处理",
];
pub(crate) const NOTE_RESOLVED: &[&str] = &[
    "客户接受处理结果",
    "已免费返修, 客户满意",
    "赠送保养券, 客户谅解",
];
pub(crate) const NOTE_REOPENED: &[&str] = &["客户再次来电, 问题未解决", "客户对处理结果不满意"];

/// Summaries of corrective (整改) and preventive (预防) actions.
pub(crate) const ACTION_CORRECTIVE: &[&str] = &[
    "对相关人员进行服务礼仪培训",
    "核对交车承诺事项清单",
    "返修车辆一次修复率专项检查",
    "回访电话当天回复制度落实",
];
pub(crate) const ACTION_PREVENTIVE: &[&str] = &[
    "增加高峰时段接待人员",
    "结算单费用逐项说明",
    "预约系统升级, 避免重复预约",
    "每周投诉案例分享会",
];
