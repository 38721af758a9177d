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

/// World manufacturer identifiers of makes built in China.
pub(crate) const VIN_WMIS: &[&str] = &["LFV", "LSV", "LGB", "LVS", "LHG", "LSG", "LBV", "LFM"];

/// Vehicle descriptor sections (positions 4–8); letters I, O, Q never occur in a VIN.
pub(crate) const VIN_MODELS: &[&str] = &[
    "A23C5", "BM2E4", "C41K7", "2A3B9", "FE55D", "3H7G2", "K8M2R", "L62P4", "D12H8", "G7E3T",
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
/// 活动邀约, 节日祝福 …).
pub(crate) const NOTE_CARE: &[&str] = &[
    "生日祝福",
    "保养提醒",
    "节日问候",
    "雨季安全驾驶提示",
    "恶劣天气提醒",
    "爱车讲堂邀请",
    "会员日活动邀约",
    "换季检测邀约",
];
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
/// Complaints that fit any department.
pub(crate) const COMMENT_UNHAPPY: &[&str] = &[
    "等待时间太长",
    "价格不透明，收费偏高",
    "电话一直没人接",
    "服务态度冷淡, 不耐烦",
    "客户说\"再也不来了\"",
];
pub(crate) const COMMENT_UNHAPPY_SALES: &[&str] = &[
    "销售顾问承诺的赠品没有兑现",
    "交车时讲解不清楚",
    "新车有划痕, 交车前没检查",
    "上牌手续拖了很久",
];
pub(crate) const COMMENT_UNHAPPY_AFTER_SALES: &[&str] = &[
    "维修后问题依旧, 需要再次进店",
    "保养时间比约定的长",
    "没有提前告知增加的项目",
    "车没洗干净",
];

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

pub(crate) const QUESTIONS_SALES: &[&str] = &[
    "consultant_attitude",
    "delivery_explanation",
    "vehicle_condition",
    "price_transparency",
    "delivery_timeliness",
];
pub(crate) const QUESTIONS_AFTER_SALES: &[&str] = &[
    "advisor_attitude",
    "repair_quality",
    "waiting_time",
    "price_transparency",
    "car_wash",
];
pub(crate) const QUESTIONS_CARE: &[&str] = &[
    "staff_attitude",
    "communication",
    "problem_resolution",
    "call_timing",
];
pub(crate) const QUESTIONS_INSURANCE: &[&str] =
    &["claim_speed", "price_transparency", "staff_attitude"];

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
