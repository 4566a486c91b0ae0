namespace TransitGrains.Domain.Identifiers;

/// <summary>A place the project knows by its UN/LOCODE, with the names a person reads for it.</summary>
public sealed record KnownLocation(UnLocode Code, string Name, string? ChineseName);

/// <summary>
/// Every location the project itself names: in its refund notices, samples, recorded scenarios, simulator and README.
/// A test keeps them all in this list, so a code that does not exist (Shunde is CNSUD; there is no CNSDE) is caught
/// before it ships. Codes are checked against the public UN/LOCODE lists (datasets/un-locode, geoapify/un-locode);
/// the names are the place names, not the list's spellings ("Shunde Pt", "Xianguojilugang").
/// </summary>
public static class KnownLocations
{
    public static IReadOnlyList<KnownLocation> All { get; } =
    [
        // The Pearl River Delta: Nansha, the hub and exit port, and the river ports of the nine mainland Bay Area cities.
        Of("CNNSA", "Nansha", "南沙"),
        Of("CNGZG", "Guangzhou", "广州"),
        Of("CNHUA", "Huangpu", "黄埔"),
        Of("CNFOS", "Foshan", "佛山"),
        Of("CNFRT", "Foshan New Port", "佛山新港"),
        Of("CNSUD", "Shunde", "顺德"),
        Of("CNBIJ", "Beijiao", "北滘"),
        Of("CNLNS", "Lanshi", "澜石"),
        Of("CNNAH", "Nanhai", "南海"),
        Of("CNSJQ", "Sanshui", "三水"),
        Of("CNGOM", "Gaoming", "高明"),
        Of("CNJMN", "Jiangmen", "江门"),
        Of("CNHSN", "Heshan", "鹤山"),
        Of("CNXIN", "Xinhui", "新会"),
        Of("CNZQG", "Zhaoqing", "肇庆"),
        Of("CNZSN", "Zhongshan", "中山"),
        Of("CNZUH", "Zhuhai", "珠海"),
        Of("CNDGG", "Dongguan", "东莞"),
        Of("CNHMN", "Humen", "虎门"),
        Of("CNHUI", "Huizhou", "惠州"),
        Of("CNSHK", "Shekou", "蛇口"),
        Of("CNYTN", "Yantian", "盐田"),
        Of("CNQHW", "Qianhai Bay", "前海湾"), // listed with no function: not confirmed as the Qianhai exit port

        // The rail transfer notice of 2024: inland stations (by their city's code where a station has none) and exit ports.
        Of("CNCQI", "Chongqing", "重庆"),
        Of("CNCDU", "Chengdu", "成都"),
        Of("CNZGZ", "Zhengzhou", "郑州"),
        Of("CNXAG", "Xi'an International Inland Port", "西安国际陆港"),
        Of("CNGYA", "Guiyang", "贵阳"),
        Of("CNKNM", "Kunming", "昆明"),
        Of("CNZNG", "Zhanjiang Port", "湛江港"),
        Of("CNQZH", "Qinzhou", "钦州"),
        Of("CNBIH", "Beihai Port", "北海港"),
        Of("CNFAN", "Fangchenggang", "防城港"),

        // China–Europe rail: Dalang, the Manzhouli–Zabaikalsk border crossing, Moscow.
        Of("CNDLG", "Dalang", "大朗"),

        // The samples' code for Manzhouli. The UN/LOCODE lists give Manzhouli as CNMLX and have no CNMZL.
        Of("CNMZL", "Manzhouli", "满洲里"),
        Of("CNMLX", "Manzhouli", "满洲里"),
        Of("RUZBK", "Zabaikalsk", "后贝加尔斯克"),
        Of("RUMOW", "Moscow", "莫斯科"),

        // Where the simulator's ocean vessels sail from Nansha.
        Of("NLRTM", "Rotterdam", "鹿特丹"),
        Of("DEHAM", "Hamburg", "汉堡"),
        Of("SGSIN", "Singapore", "新加坡"),
        Of("MYPKG", "Port Klang", "巴生港"),
        Of("VNSGN", "Ho Chi Minh City", "胡志明市"),
        Of("THLCH", "Laem Chabang", "林查班"),
        Of("JPTYO", "Tokyo", "东京"),
    ];

    private static readonly Dictionary<UnLocode, KnownLocation> ByCode = All.ToDictionary(l => l.Code);

    public static KnownLocation? Find(UnLocode code) => ByCode.GetValueOrDefault(code);

    private static KnownLocation Of(string code, string name, string chineseName) => new(UnLocode.Parse(code), name, chineseName);
}
