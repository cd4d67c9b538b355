/**
 * Short zone names (pattern letter `z`) as java.time prints them for Locale.US, which Spark uses: the
 * standard and daylight abbreviation of each IANA zone ('-' where Java has none). CLDR, and so `Intl`,
 * lacks most of these (it prints `GMT+9` where Java prints `JST`). Generated from OpenJDK 17's
 * `DateTimeFormatter.ofPattern("z", Locale.US)` at January and July 2024 (and the latest past instant for
 * a name 2024 lacks). Format: `STD DST zone zone ...`; indented lines continue the previous group.
 */
const DATA = `
ACST ACDT Australia/Adelaide Australia/Broken_Hill Australia/Darwin
ACT ACST America/Eirunepe America/Rio_Branco
ACWST ACWDT Australia/Eucla
AEST AEDT Antarctica/Macquarie Australia/Brisbane Australia/Hobart Australia/Lindeman
  Australia/Melbourne Australia/Sydney
AFT - Asia/Kabul
AKST AKDT America/Anchorage America/Juneau America/Metlakatla America/Nome America/Sitka America/Yakutat
ALMT ALMST Asia/Almaty
AMT AMST America/Boa_Vista America/Campo_Grande America/Cuiaba America/Manaus America/Porto_Velho
  Asia/Yerevan
ANAT ANAST Asia/Anadyr
AQTT AQTST Asia/Aqtau Asia/Aqtobe
ART ARST America/Argentina/La_Rioja America/Argentina/Rio_Gallegos America/Argentina/Salta
  America/Argentina/San_Juan America/Argentina/San_Luis America/Argentina/Tucuman
  America/Argentina/Ushuaia America/Buenos_Aires America/Catamarca America/Cordoba America/Jujuy
  America/Mendoza
AST - Asia/Aden Asia/Bahrain Asia/Kuwait Asia/Qatar Asia/Riyadh
AST ADT America/Anguilla America/Antigua America/Aruba America/Barbados America/Blanc-Sablon
  America/Curacao America/Dominica America/Glace_Bay America/Goose_Bay America/Grenada
  America/Guadeloupe America/Halifax America/Kralendijk America/Lower_Princes America/Marigot
  America/Martinique America/Moncton America/Montserrat America/Port_of_Spain America/Puerto_Rico
  America/Santo_Domingo America/St_Barthelemy America/St_Kitts America/St_Lucia America/St_Thomas
  America/St_Vincent America/Thule America/Tortola Asia/Baghdad Atlantic/Bermuda
AWST - Antarctica/Casey
AWST AWDT Australia/Perth
AZOT AZOST Atlantic/Azores
AZT AZST Asia/Baku
BDT BDST Asia/Dhaka
BNT BNST Asia/Brunei
BOT BOST America/La_Paz
BRT BRST America/Araguaina America/Bahia America/Belem America/Fortaleza America/Maceio America/Recife
  America/Santarem America/Sao_Paulo
BST - Pacific/Bougainville
BTT - Asia/Thimphu
CAT - Africa/Blantyre Africa/Bujumbura Africa/Gaborone Africa/Harare Africa/Kigali Africa/Lubumbashi
  Africa/Lusaka Africa/Maputo
CAT CAST Africa/Juba Africa/Khartoum
CAT WAT Africa/Windhoek
CCT - Indian/Cocos
CET CEST Africa/Algiers Africa/Ceuta Africa/Tunis Arctic/Longyearbyen Europe/Amsterdam Europe/Andorra
  Europe/Belgrade Europe/Berlin Europe/Bratislava Europe/Brussels Europe/Budapest Europe/Busingen
  Europe/Copenhagen Europe/Gibraltar Europe/Ljubljana Europe/Luxembourg Europe/Madrid Europe/Malta
  Europe/Monaco Europe/Oslo Europe/Paris Europe/Podgorica Europe/Prague Europe/Rome Europe/San_Marino
  Europe/Sarajevo Europe/Skopje Europe/Stockholm Europe/Tirane Europe/Vaduz Europe/Vatican Europe/Vienna
  Europe/Warsaw Europe/Zagreb Europe/Zurich
CHAST CHADT Pacific/Chatham
CHUT - Pacific/Truk
CKT CKHST Pacific/Rarotonga
CLT CLST America/Santiago Antarctica/Palmer
COT COST America/Bogota
CST CDT America/Bahia_Banderas America/Belize America/Chicago America/Chihuahua America/Costa_Rica
  America/El_Salvador America/Guatemala America/Havana America/Indiana/Knox America/Indiana/Tell_City
  America/Managua America/Matamoros America/Menominee America/Merida America/Mexico_City
  America/Monterrey America/North_Dakota/Beulah America/North_Dakota/Center
  America/North_Dakota/New_Salem America/Ojinaga America/Rankin_Inlet America/Regina America/Resolute
  America/Swift_Current America/Tegucigalpa America/Winnipeg Asia/Macau Asia/Shanghai Asia/Taipei
CVT CVST Atlantic/Cape_Verde
CXT - Indian/Christmas
ChST ChDT Pacific/Guam Pacific/Saipan
DAVT - Antarctica/Davis
DDUT - Antarctica/DumontDUrville
EAST EASST Pacific/Easter
EAT - Africa/Addis_Ababa Africa/Asmera Africa/Dar_es_Salaam Africa/Djibouti Africa/Kampala
  Africa/Mogadishu Africa/Nairobi Indian/Antananarivo Indian/Comoro Indian/Mayotte
ECT ECST America/Guayaquil
EET EEST Africa/Cairo Africa/Tripoli Asia/Amman Asia/Beirut Asia/Damascus Asia/Famagusta Asia/Gaza
  Asia/Hebron Asia/Nicosia Europe/Athens Europe/Bucharest Europe/Chisinau Europe/Helsinki
  Europe/Kaliningrad Europe/Kiev Europe/Mariehamn Europe/Riga Europe/Sofia Europe/Tallinn Europe/Vilnius
EGT EGST America/Scoresbysund
EST - America/Cayman America/Coral_Harbour America/Panama
EST EDT America/Cancun America/Detroit America/Grand_Turk America/Indiana/Marengo
  America/Indiana/Petersburg America/Indiana/Vevay America/Indiana/Vincennes America/Indiana/Winamac
  America/Indianapolis America/Iqaluit America/Jamaica America/Kentucky/Monticello America/Louisville
  America/Nassau America/New_York America/Port-au-Prince America/Toronto
FJT FJST Pacific/Fiji
FKT FKST Atlantic/Stanley
FNT FNST America/Noronha
GALT GALST Pacific/Galapagos
GAMT - Pacific/Gambier
GET GEST Asia/Tbilisi
GFT - America/Cayenne
GILT - Pacific/Tarawa
GMT - Africa/Abidjan Africa/Accra Africa/Bamako Africa/Banjul Africa/Bissau Africa/Conakry Africa/Dakar
  Africa/Freetown Africa/Lome Africa/Monrovia Africa/Nouakchott Africa/Ouagadougou Africa/Sao_Tome
  Atlantic/Reykjavik Atlantic/St_Helena
GMT BST Europe/Guernsey Europe/Isle_of_Man Europe/Jersey Europe/London
GMT CEST Antarctica/Troll
GMT GMT America/Danmarkshavn
GMT IST Europe/Dublin
GMT+04:00 GMT+04:00 Europe/Astrakhan Europe/Saratov Europe/Ulyanovsk
GMT+05:00 GMT+05:00 Asia/Atyrau
GMT+07:00 GMT+07:00 Asia/Barnaul Asia/Tomsk
GMT-03:00 GMT-03:00 America/Punta_Arenas
GST - Asia/Dubai Asia/Muscat Atlantic/South_Georgia
GYT - America/Guyana
HAST HADT America/Adak
HKT HKST Asia/Hong_Kong
HOVT HOVST Asia/Hovd
HST HDT Pacific/Honolulu
ICT - Asia/Bangkok Asia/Phnom_Penh Asia/Saigon Asia/Vientiane
IOT - Indian/Chagos
IRKT IRKST Asia/Irkutsk
IRST IRDT Asia/Tehran
IST IDT Asia/Calcutta Asia/Colombo Asia/Jerusalem
JST JDT Asia/Tokyo
KGT KGST Asia/Bishkek
KOST - Pacific/Kosrae
KRAT KRAST Asia/Krasnoyarsk Asia/Novokuznetsk
KST - Asia/Pyongyang
KST KDT Asia/Seoul
LHST LHDT Australia/Lord_Howe
LINT - Pacific/Kiritimati
MAGT MAGST Asia/Magadan
MART - Pacific/Marquesas
MAWT - Antarctica/Mawson
MHT - Pacific/Kwajalein Pacific/Majuro
MMT - Asia/Rangoon
MSK MSD Europe/Kirov Europe/Minsk Europe/Moscow Europe/Simferopol Europe/Volgograd
MST MDT America/Boise America/Cambridge_Bay America/Ciudad_Juarez America/Creston America/Dawson
  America/Dawson_Creek America/Denver America/Edmonton America/Fort_Nelson America/Hermosillo
  America/Inuvik America/Mazatlan America/Phoenix America/Whitehorse
MUT MUST Indian/Mauritius
MVT - Indian/Maldives
MYT MYST Asia/Kuala_Lumpur Asia/Kuching
NCT NCST Pacific/Noumea
NFT NFST Pacific/Norfolk
NOVT NOVST Asia/Novosibirsk
NPT - Asia/Katmandu
NRT - Pacific/Nauru
NST NDT America/St_Johns
NUT - Pacific/Niue
NZST NZDT Antarctica/McMurdo Pacific/Auckland
OMST OMSST Asia/Omsk
ORAT ORAST Asia/Oral
PET PEST America/Lima
PETT PETST Asia/Kamchatka
PGT - Pacific/Port_Moresby
PHOT - Pacific/Enderbury
PKT PKST Asia/Karachi
PMST PMDT America/Miquelon
PONT - Pacific/Ponape
PST - Pacific/Pitcairn
PST PDT America/Los_Angeles America/Tijuana America/Vancouver Asia/Manila
PWT - Pacific/Palau
PYT PYST America/Asuncion
QOST QOSST Asia/Qostanay
QYZT QYZST Asia/Qyzylorda
RET - Indian/Reunion
ROTT - Antarctica/Rothera
SAKT SAKST Asia/Sakhalin
SAMT SAMST Europe/Samara
SAST SAST Africa/Johannesburg Africa/Maseru Africa/Mbabane
SBT - Pacific/Guadalcanal
SCT - Indian/Mahe
SGT SGST Asia/Singapore
SRET SREDT Asia/Srednekolymsk
SRT - America/Paramaribo
SST - Pacific/Midway Pacific/Pago_Pago
SYOT - Antarctica/Syowa
TAHT - Pacific/Tahiti
TFT - Indian/Kerguelen
TJT TJST Asia/Dushanbe
TKT - Pacific/Fakaofo
TLT - Asia/Dili
TMT TMST Asia/Ashgabat
TOT TOST Pacific/Tongatapu
TRT TRST Europe/Istanbul
TVT - Pacific/Funafuti
ULAT ULAST Asia/Ulaanbaatar
UYT UYST America/Montevideo
UZT UZST Asia/Samarkand Asia/Tashkent
VET - America/Caracas
VLAT VLAST Asia/Ust-Nera Asia/Vladivostok
VOST - Antarctica/Vostok
VUT VUST Pacific/Efate
WAKT - Pacific/Wake
WAT - Africa/Bangui Africa/Brazzaville Africa/Douala Africa/Kinshasa Africa/Lagos Africa/Libreville
  Africa/Luanda Africa/Malabo Africa/Niamey Africa/Porto-Novo
WAT WAST Africa/Ndjamena
WET WEST Africa/Casablanca Africa/El_Aaiun Atlantic/Canary Atlantic/Faeroe Atlantic/Madeira
  Europe/Lisbon
WFT - Pacific/Wallis
WGT WGST America/Godthab
WIB - Asia/Jakarta Asia/Pontianak
WIT - Asia/Jayapura
WITA - Asia/Makassar
WSST WSDT Pacific/Apia
XJT - Asia/Urumqi
YAKT YAKST Asia/Chita Asia/Khandyga Asia/Yakutsk
YEKT YEKST Asia/Yekaterinburg

`

/** Standard and daylight abbreviation of a zone; '-' where java.time has none. */
export interface ZoneAbbreviations {
  readonly standard: string
  readonly daylight: string
}

let byZone: Map<string, ZoneAbbreviations> | null = null

/**
 * java.time's short names for an IANA zone, or undefined when the zone is not listed.
 *
 * @example zoneAbbreviations('Asia/Tokyo') // { standard: 'JST', daylight: 'JDT' }
 */
export function zoneAbbreviations(zone: string): ZoneAbbreviations | undefined {
  if (byZone === null) byZone = parseTable()
  return byZone.get(zone)
}

/**
 * Every abbreviation group, biggest first (parsing a name picks the first group that has it).
 *
 * @example abbreviationGroups()[0].zones.length > 10 // true
 */
export function abbreviationGroups(): readonly { names: ZoneAbbreviations; zones: readonly string[] }[] {
  if (groups === null) byZone = parseTable()
  return groups!
}

let groups: { names: ZoneAbbreviations; zones: string[] }[] | null = null

function parseTable(): Map<string, ZoneAbbreviations> {
  const map = new Map<string, ZoneAbbreviations>()
  const list: { names: ZoneAbbreviations; zones: string[] }[] = []
  for (const line of DATA.split('\n')) {
    if (line.trim() === '') continue
    const words = line.trim().split(' ')
    if (!line.startsWith(' ')) {
      list.push({ names: Object.freeze({ standard: words[0], daylight: words[1] }), zones: [] })
      words.splice(0, 2)
    }
    const group = list[list.length - 1]
    for (const zone of words) {
      group.zones.push(zone)
      map.set(zone, group.names)
    }
  }
  groups = list.sort((a, b) => b.zones.length - a.zones.length)
  return map
}
