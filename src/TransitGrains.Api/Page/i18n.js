// The page's words in English and Simplified Chinese. The language is ?lang= when given (en or zh-CN), else the
// browser's first language that is one of them, else English.

const texts = {
  en: {
    appName: 'TransitGrains',
    skipToContent: 'Skip to content',
    language: 'Language',
    signIn: 'Sign in',
    signOut: 'Sign out',
    signInTitle: 'Sign in with your forwarder key',
    apiKey: 'API key',
    apiKeyHint: 'Kept in this browser tab only, until you close it or sign out.',
    enterKey: 'Enter your API key.',
    unknownKey: 'This API key is not known.',
    notForwarderKey: 'This key may not read shipments: sign in with a forwarder key.',
    signedOut: 'You were signed out: sign in again.',
    tooMany: 'Too many requests: trying again in {seconds} s.',
    unreachable: 'The service cannot be reached; trying again.',
    updated: 'Updated at {time}.',
    shipments: 'Shipments',
    search: 'Shipment or container',
    searchHint: 'A shipment id (GZ26-000123) or an ISO 6346 container number (CSQU3054383).',
    find: 'Find',
    status: 'Status',
    allStatuses: 'All',
    filter: 'Show',
    shipment: 'Shipment',
    currentLeg: 'Current leg',
    eta: 'ETA (local time at destination)',
    taxRefund: 'Tax refund',
    booked: 'Booked',
    more: 'Show more',
    noShipments: 'No shipments.',
    containerResults: 'Shipments with container {container}',
    allShipments: 'All shipments',
    notFound: 'No shipment {id} was found.',
    conveyanceNotFound: 'Nothing is known of {mode} {id}.',
    legOf: 'Leg {n} of {count}',
    forwarder: 'Forwarder',
    tradeMode: 'Trade mode',
    cancelled: 'Cancelled',
    route: 'Route',
    routeDescription: 'Route of {id}: {legs}.',
    routeLeg: '{from} to {to} by {mode} {conveyance}, {status}',
    legs: 'Legs',
    leg: 'Leg',
    conveyance: 'Conveyance',
    from: 'From',
    to: 'To',
    departure: 'Departure',
    arrival: 'Arrival',
    planned: 'planned',
    estimated: 'estimated',
    actual: 'actual',
    transhippedTo: 'continued on {conveyances}',
    containers: 'Containers',
    container: 'Container',
    location: 'Location',
    customs: 'Customs',
    releasedAt: 'Released',
    departurePort: 'Departure port',
    exitPort: 'Exit port',
    deadline: 'Exit deadline',
    triggers: 'Triggers sent to the tax system',
    noTriggers: 'No trigger yet.',
    kind: 'Kind',
    messageId: 'Message id',
    issuedAt: 'Issued',
    deliveredAt: 'Delivered',
    reason: 'Reason',
    notDelivered: 'waiting',
    etaHistory: 'ETA history',
    changedAt: 'Changed',
    causedBy: 'Caused by',
    timeline: 'Timeline (local time of each place)',
    noEvents: 'No event yet.',
    time: 'Time',
    event: 'Event',
    facility: 'Facility',
    reportedBy: 'Reported by',
    lastLocation: 'Last location',
    lastEvent: 'Last event',
    aboard: 'Your containers aboard',
    nothingAboard: 'None of your containers is aboard.',
    calls: 'Calls',
    none: '—',
    utc: 'UTC',
  },
  'zh-CN': {
    appName: 'TransitGrains',
    skipToContent: '跳到正文',
    language: '语言',
    signIn: '登录',
    signOut: '退出',
    signInTitle: '使用货代密钥登录',
    apiKey: 'API 密钥',
    apiKeyHint: '仅保存在此浏览器标签页中，关闭标签页或退出后即清除。',
    enterKey: '请输入 API 密钥。',
    unknownKey: '此 API 密钥无效。',
    notForwarderKey: '此密钥无权查看货运单，请使用货代密钥登录。',
    signedOut: '您已退出，请重新登录。',
    tooMany: '请求过多，{seconds} 秒后重试。',
    unreachable: '无法连接服务，正在重试。',
    updated: '更新于 {time}。',
    shipments: '货运单',
    search: '货运单号或集装箱号',
    searchHint: '货运单号（如 GZ26-000123）或 ISO 6346 集装箱号（如 CSQU3054383）。',
    find: '查找',
    status: '状态',
    allStatuses: '全部',
    filter: '筛选',
    shipment: '货运单',
    currentLeg: '当前运段',
    eta: '预计到达（目的地当地时间）',
    taxRefund: '启运港退税',
    booked: '订舱时间',
    more: '加载更多',
    noShipments: '暂无货运单。',
    containerResults: '含集装箱 {container} 的货运单',
    allShipments: '全部货运单',
    notFound: '未找到货运单 {id}。',
    conveyanceNotFound: '没有 {mode} {id} 的信息。',
    legOf: '第 {n} 段，共 {count} 段',
    forwarder: '货代',
    tradeMode: '贸易方式',
    cancelled: '取消时间',
    route: '路线',
    routeDescription: '{id} 的路线：{legs}。',
    routeLeg: '{from} 至 {to}，{mode} {conveyance}，{status}',
    legs: '运段',
    leg: '运段',
    conveyance: '运输工具',
    from: '起运地',
    to: '目的地',
    departure: '出发',
    arrival: '到达',
    planned: '计划',
    estimated: '预计',
    actual: '实际',
    transhippedTo: '换装至 {conveyances}',
    containers: '集装箱',
    container: '集装箱',
    location: '地点',
    customs: '海关',
    releasedAt: '放行时间',
    departurePort: '启运港',
    exitPort: '离境港',
    deadline: '离境期限',
    triggers: '发送给税务系统的消息',
    noTriggers: '尚无消息。',
    kind: '类型',
    messageId: '消息编号',
    issuedAt: '发出时间',
    deliveredAt: '送达时间',
    reason: '原因',
    notDelivered: '等待发送',
    etaHistory: '预计到达时间变更',
    changedAt: '变更时间',
    causedBy: '起因',
    timeline: '动态（各地当地时间）',
    noEvents: '尚无动态。',
    time: '时间',
    event: '事件',
    facility: '场站',
    reportedBy: '报告方',
    lastLocation: '最近地点',
    lastEvent: '最近事件',
    aboard: '在载的您的集装箱',
    nothingAboard: '您的集装箱均不在此运输工具上。',
    calls: '经停',
    none: '—',
    utc: 'UTC',
  },
};

// The contract's UPPER_CASE values, as a person reads them.
const values = {
  en: {
    BOOKED: 'Booked', IN_TRANSIT: 'In transit', COMPLETED: 'Completed', CANCELLED: 'Cancelled',
    EXPECTED: 'Expected', AT_FACILITY: 'At facility', ON_CONVEYANCE: 'Aboard', DELIVERED: 'Delivered',
    PLANNED: 'Planned', LOADING: 'Loading', DEPARTED: 'Departed', ARRIVED: 'Arrived',
    NOT_DECLARED: 'Not declared', DECLARED: 'Declared', RELEASED: 'Released', INSPECTION: 'Inspection', HELD: 'Held', REVOKED: 'Revoked',
    NOT_APPLICABLE: 'Not applicable', PENDING: 'Pending', TRIGGERED: 'Triggered', EXIT_CONFIRMED: 'Exit confirmed',
    REFUND_ELIGIBLE: 'Refund eligible', REFUND_REVOKED: 'Refund revoked',
    DEADLINE_PASSED: 'Deadline passed', DECLARATION_REVOKED: 'Declaration revoked', NOT_EXPORTED: 'Not exported',
    RAIL: 'Rail', BARGE: 'Barge', VESSEL: 'Vessel', TRUCK: 'Truck',
    GENERAL: 'General trade', CBEC_B2B_9710: 'Cross-border e-commerce B2B direct (9710)', CBEC_B2B_9810: 'Cross-border e-commerce B2B overseas warehouse (9810)',
    MARKET_PROCUREMENT_1039: 'Market procurement (1039)', POSTAL: 'Postal', USED_VEHICLE: 'Used vehicles',
    DEPA: 'Departed', ARRI: 'Arrived', CROS: 'Crossed the border', GTIN: 'Gated in', GTOT: 'Gated out', LOAD: 'Loaded',
    DISC: 'Discharged', STUF: 'Stuffed', STRP: 'Stripped', CUSR: 'Customs release', CUSI: 'Customs inspection',
    CUSH: 'Customs hold', CUSX: 'Declaration revoked',
    ACT: 'actual', EST: 'estimated', PLN: 'planned',
  },
  'zh-CN': {
    BOOKED: '已订舱', IN_TRANSIT: '运输中', COMPLETED: '已完成', CANCELLED: '已取消',
    EXPECTED: '待到', AT_FACILITY: '在场站', ON_CONVEYANCE: '在途', DELIVERED: '已交付',
    PLANNED: '计划中', LOADING: '装载中', DEPARTED: '已出发', ARRIVED: '已到达',
    NOT_DECLARED: '未申报', DECLARED: '已申报', RELEASED: '已放行', INSPECTION: '查验中', HELD: '扣留', REVOKED: '已撤销',
    NOT_APPLICABLE: '不适用', PENDING: '待触发', TRIGGERED: '已触发', EXIT_CONFIRMED: '已确认离境',
    REFUND_ELIGIBLE: '符合退税条件', REFUND_REVOKED: '撤销退税',
    DEADLINE_PASSED: '超过离境期限', DECLARATION_REVOKED: '报关单撤销', NOT_EXPORTED: '未出境',
    RAIL: '铁路', BARGE: '驳船', VESSEL: '海船', TRUCK: '卡车',
    GENERAL: '一般贸易', CBEC_B2B_9710: '跨境电商 B2B 直接出口（9710）', CBEC_B2B_9810: '跨境电商出口海外仓（9810）',
    MARKET_PROCUREMENT_1039: '市场采购（1039）', POSTAL: '邮递', USED_VEHICLE: '二手车',
    DEPA: '出发', ARRI: '到达', CROS: '过境', GTIN: '进闸', GTOT: '出闸', LOAD: '装载',
    DISC: '卸载', STUF: '装箱', STRP: '拆箱', CUSR: '海关放行', CUSI: '海关查验',
    CUSH: '海关扣留', CUSX: '报关单撤销',
    ACT: '实际', EST: '预计', PLN: '计划',
  },
};

export const languages = Object.keys(texts);

function chosen() {
  const asked = new URLSearchParams(window.location.search).get('lang');
  const wanted = asked ? [asked] : navigator.languages ?? [navigator.language];
  for (const tag of wanted) {
    const lower = (tag ?? '').toLowerCase();
    if (lower === 'zh' || lower.startsWith('zh-')) {
      return 'zh-CN';
    }
    if (lower === 'en' || lower.startsWith('en-')) {
      return 'en';
    }
  }
  return 'en';
}

export const language = chosen();

/** How dates are written: in English, the browser's own English (en-GB writes 26 Nov 2026); else the page's language. */
export const locale = language === 'en'
  ? (navigator.languages ?? [navigator.language]).find((tag) => /^en(-|$)/i.test(tag)) ?? 'en'
  : language;

/** Joins a list as the page's language does. */
export function list(items) {
  return items.join(language === 'zh-CN' ? '；' : '; ');
}

/** The page's text for a key, with {name} filled in from params. */
export function t(key, params = {}) {
  const text = texts[language][key] ?? texts.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** A contract value (IN_TRANSIT, BARGE, LOAD …) as a person reads it; an unknown one as it is. */
export function value(code) {
  return code == null ? t('none') : values[language][code] ?? code;
}

// What moved an ETA: the id of the event that did, or one of the shipment's own steps.
const causes = {
  en: { booked: 'Booking', cancelled: 'Cancellation', 'wake-up': 'Scheduled check' },
  'zh-CN': { booked: '订舱', cancelled: '取消', 'wake-up': '定时检查' },
};

/** An ETA change's cause: an event id as it is, the shipment's own steps in words. */
export function cause(text) {
  return causes[language][text] ?? text;
}
