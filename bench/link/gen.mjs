#!/usr/bin/env node
// Haven — seeded synthetic person-record generator for the record-linkage benchmark.
//
//   node bench/link/gen.mjs --n 1000000 --seed 42 --out /tmp/persons_1m.csv \
//        [--queries Q --queries-out FILE]
//
// Every name, date and place is synthetic: the name pools below are lists of common
// given and family names written for this file, combined at random. No real person's
// record is used. See bench/link/README.md for the columns and the error model.
//
// Design notes
// - Determinism: one PRNG family (xoshiro128**, seeded through a 32-bit mixer from the
//   --seed string). Each person is derived from rng(seed, person) and each record from
//   rng(seed, person, record), so a row never depends on generation order and the
//   person table need not be held in memory. Same --seed and --n => byte-identical files.
// - Memory: one Uint8Array (records per person) and one Uint32Array (shuffled row
//   order) of size n; rows are built and written in ~1 MB chunks with writeSync.
// - ids are a keyed 48-bit Feistel permutation of the row number: opaque and unique by
//   construction (queries continue the numbering, so they are unique across both files).

import fs from 'node:fs';

const HEADER = 'id,cluster,first_name,last_name,father_name,mother_name,sex,dob,age,recorded_on,place';

// ------------------------------------------------------------------ arguments

function usage(msg) {
  if (msg) process.stderr.write(`gen: ${msg}\n`);
  process.stderr.write(
    'usage: node bench/link/gen.mjs --n ROWS --seed SEED --out FILE [--queries Q --queries-out FILE]\n');
  process.exit(msg ? 2 : 0);
}

function parseArgs(argv) {
  const a = { n: null, seed: '42', out: null, queries: 0, queriesOut: null };
  for (let i = 0; i < argv.length; i++) {
    let k = argv[i], val = null;
    const eq = k.indexOf('=');
    if (k.startsWith('--') && eq > 0) { val = k.slice(eq + 1); k = k.slice(0, eq); }
    const v = () => {
      if (val !== null) return val;
      if (i + 1 >= argv.length) usage(`missing value for ${k}`);
      return argv[++i];
    };
    switch (k) {
      case '--n': a.n = v(); break;
      case '--seed': a.seed = v(); break;
      case '--out': a.out = v(); break;
      case '--queries': a.queries = v(); break;
      case '--queries-out': a.queriesOut = v(); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${k}`);
    }
  }
  const n = Number(a.n);
  if (a.n === null || !Number.isInteger(n) || n < 1 || n > 200_000_000) usage('--n must be an integer in 1..200000000');
  if (!a.out) usage('--out is required');
  const q = Number(a.queries);
  if (!Number.isInteger(q) || q < 0 || q > 100_000_000) usage('--queries must be a non-negative integer');
  if (q > 0 && !a.queriesOut) usage('--queries needs --queries-out');
  if (q === 0 && a.queriesOut) usage('--queries-out needs --queries Q (Q > 0)');
  return { n, seed: String(a.seed), out: a.out, queries: q, queriesOut: a.queriesOut };
}

// ------------------------------------------------------------------ PRNG

// lowbias32 (Chris Wellons): a good 32-bit bijective mixer.
function mix32(x) {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d);
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

function fnv1a(str) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(str, 'utf8')) { h ^= b; h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

const rotl = (x, k) => (x << k) | (x >>> (32 - k));

// xoshiro128** with a cheap re-seed from three 32-bit words.
class Rng {
  constructor() { this.a = 1; this.b = 2; this.c = 3; this.d = 4; }
  seed(x, y, z) {
    let h = mix32((x ^ 0x243f6a88) >>> 0);
    h = mix32((h ^ y) >>> 0);
    h = mix32((h ^ mix32((z ^ 0x9e3779b9) >>> 0)) >>> 0);
    this.a = mix32((h + 0x9e3779b9) >>> 0) | 0;
    this.b = mix32((h + 0x3c6ef372) >>> 0) | 0;
    this.c = mix32((h + 0xdaa66d2b) >>> 0) | 0;
    this.d = mix32((h + 0x78dde6e4) >>> 0) | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    return this;
  }
  next() {
    const a = this.a, b = this.b;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    const c = this.c ^ a, d = this.d ^ b;
    this.b = b ^ c; this.a = a ^ d; this.c = c ^ t; this.d = rotl(d, 11);
    return r;
  }
  f() { return this.next() * 2.3283064365386963e-10; }      // [0, 1)
  int(n) { return Math.floor(this.f() * n); }                // [0, n)
  chance(p) { return this.f() < p; }
}

// ------------------------------------------------------------------ weighted picks

function cumulative(weights) {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) { s += weights[i]; c[i] = s; }
  for (let i = 0; i < c.length; i++) c[i] /= s;
  c[c.length - 1] = 1;
  return c;
}
function pickIdx(cum, u) {
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (u < cum[mid]) hi = mid; else lo = mid + 1; }
  return lo;
}
const zipf = (n, s) => cumulative(Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s)));

// Preferred transliteration: the first listed spelling is the most common.
const PREF_CUM = [null, ...[1, 2, 3, 4, 5, 6, 7, 8].map(n =>
  cumulative([0.6, 0.25, 0.1, 0.05, 0.03, 0.02, 0.01, 0.01].slice(0, n)))];

// ------------------------------------------------------------------ dates

function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400), yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
let CY = 0, CM = 0, CD = 0;   // output of civil()
function civil(z) {
  z += 719468;
  const era = Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  CD = doy - Math.floor((153 * mp + 2) / 5) + 1;
  CM = mp + (mp < 10 ? 3 : -9);
  CY = yoe + era * 400 + (CM <= 2 ? 1 : 0);
}
const leap = y => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MDAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y, m) => (m === 2 && leap(y) ? 29 : MDAYS[m]);
const pad2 = v => (v < 10 ? '0' + v : '' + v);
const iso = (y, m, d) => `${y}-${pad2(m)}-${pad2(d)}`;
function isoDays(z) { civil(z); return iso(CY, CM, CD); }
function ageAt(dob, on) {
  civil(dob); const y1 = CY, m1 = CM, d1 = CD;
  civil(on);
  return CY - y1 - (CM < m1 || (CM === m1 && CD < d1) ? 1 : 0);
}

const DOB_LO = daysFromCivil(2008, 1, 1), DOB_HI = daysFromCivil(2025, 12, 31);
const REC_LO = daysFromCivil(2023, 1, 1), REC_HI = daysFromCivil(2026, 12, 31);

// ------------------------------------------------------------------ name pools
//
// Format: entries separated by ';' or newlines. An entry is either
//   native|Latin1,Latin2,...   (native spelling, then common Latin transliterations)
//   Latin1,Latin2,...          (cultures written in Latin script; later items = variants)
// A 'ru:' or 'uk:' prefix marks a Russian-only or Ukrainian-only form (Иван / Іван): a
// family of the Russian/Ukrainian culture is either Russian- or Ukrainian-speaking.
// Order is frequency rank: picks follow a Zipf law over the list.

const AR_M = `
محمد|Mohammed,Muhammad,Mohamed,Mohamad; أحمد|Ahmed,Ahmad; علي|Ali; عمر|Omar,Umar; حسن|Hassan,Hasan
عبدالله|Abdullah,Abdallah,Abdalla; إبراهيم|Ibrahim,Ebrahim; يوسف|Youssef,Yousef,Yusuf,Yousif
حسين|Hussein,Husain,Hussain; عثمان|Osman,Othman,Uthman; خالد|Khaled,Khalid; آدم|Adam,Adem
عبدالرحمن|Abdelrahman,Abdulrahman,Abdel Rahman,Abdurrahman; مصطفى|Mustafa,Mostafa,Moustafa
محمود|Mahmoud,Mahmud; إسماعيل|Ismail,Esmail,Ismael; موسى|Musa,Moussa,Mousa; يعقوب|Yacoub,Yaqub,Yakoub
عيسى|Issa,Isa,Eisa; سليمان|Suleiman,Sulaiman,Soliman; صالح|Saleh,Salih; كريم|Karim,Kareem
طارق|Tariq,Tarek,Tarik; سامي|Sami,Samy; عادل|Adel,Adil; جمال|Jamal,Gamal; ناصر|Nasser,Nasir,Naser
فيصل|Faisal,Faysal; حمزة|Hamza,Hamzah; بلال|Bilal,Belal; زياد|Ziad,Ziyad; رامي|Rami,Ramy
سعيد|Saeed,Said,Saied; منصور|Mansour,Mansur; عبدالعزيز|Abdelaziz,Abdulaziz,Abdel Aziz
عبدالرحيم|Abdelrahim,Abdulrahim; عبدالقادر|Abdelgadir,Abdulqadir,Abdelkader
الطيب|Eltayeb,Al-Tayeb,Altayib; الفاتح|Elfatih,Alfatih,Al-Fatih; بشير|Bashir,Basheer
مجدي|Magdi,Majdi; نور الدين|Nureldin,Nour Eldin,Nuraddin; هشام|Hisham,Hesham; وليد|Walid,Waleed
ياسر|Yasser,Yasir; أنس|Anas; أيمن|Ayman; باسل|Basel,Basil; جعفر|Jaafar,Jafar; حامد|Hamid,Hamed
حيدر|Haidar,Haider,Hayder; رضا|Rida,Reda,Ridha; زكريا|Zakaria,Zakariya; سالم|Salem,Salim
شريف|Sharif,Sherif; صلاح|Salah; عباس|Abbas; عمار|Ammar; فارس|Fares,Faris; قاسم|Qasim,Kassem,Gasim
لؤي|Louay,Luay,Loai; ماجد|Majed,Majid,Magid; مازن|Mazen,Mazin; مراد|Murad,Mourad
معاذ|Muaz,Moaz,Muath; نبيل|Nabil,Nabeel; هاني|Hani,Hany; يحيى|Yahya,Yehia; إدريس|Idris,Edris
أمين|Amin,Ameen; مهند|Muhannad,Mohannad; عبدالمنعم|Abdelmoneim,Abdulmunim`;

const AR_F = `
فاطمة|Fatima,Fatma,Fatimah; مريم|Maryam,Mariam,Meriem; عائشة|Aisha,Aysha,Aicha
زينب|Zainab,Zeinab,Zaynab; خديجة|Khadija,Khadijah,Khadiga; آمنة|Amna,Amina; نور|Nour,Noor,Nur
سارة|Sara,Sarah; هبة|Hiba,Heba; رنا|Rana; ليلى|Layla,Leila,Laila; سلمى|Salma; هدى|Huda,Hoda
منى|Mona,Muna; سعاد|Suad,Souad; أمل|Amal; ريم|Reem,Rim; رحاب|Rehab,Rihab; حليمة|Halima,Halimah
حواء|Hawa,Hawaa; إيمان|Iman,Eman; أسماء|Asma,Asmaa; آلاء|Alaa,Ala; دعاء|Duaa,Doaa,Dua
رقية|Ruqaya,Roqaya,Rugaia; سمية|Sumaya,Somaya,Sumaiya; شيماء|Shaimaa,Shayma,Shaima
صفاء|Safaa,Safa; ضحى|Doha,Duha; عبير|Abeer,Abir; غادة|Ghada; لمى|Lama; مروة|Marwa,Marwah
ملاك|Malak; ميساء|Maysaa,Maisa; نادية|Nadia,Nadya; نجلاء|Naglaa,Najla; هالة|Hala; وفاء|Wafaa,Wafa
ياسمين|Yasmin,Yasmeen,Jasmin; جنى|Jana; رهف|Rahaf; شهد|Shahad; لين|Leen,Lin; تسنيم|Tasneem,Tasnim
بتول|Batoul,Batool; رغد|Raghad; حنين|Haneen,Hanin; رزان|Razan; دانة|Dana; جود|Joud,Jood
تقوى|Taqwa,Takwa; إسراء|Israa,Esraa,Isra; أميرة|Amira,Ameera; سناء|Sanaa,Sana
نسرين|Nesreen,Nisrin; نوال|Nawal; رشا|Rasha; سهى|Suha,Soha; عفاف|Afaf; نجوى|Najwa,Nagwa
سوسن|Sawsan,Sawsen; ابتسام|Ibtisam,Ebtisam; كوثر|Kawthar,Kawsar,Kauther`;

const AR_FAM = `
الحسن|Al-Hassan,Alhassan,Al Hasan; الأحمد|Al-Ahmad,Alahmad,Al Ahmed; العلي|Al-Ali,Alali
الخطيب|Al-Khatib,Alkhateeb,Khatib; الحلبي|Al-Halabi,Halabi; الشامي|Al-Shami,Alshami,Shami
المصري|Al-Masri,Almasri,Masri; حداد|Haddad; خوري|Khoury,Khouri,Khuri
الجبوري|Al-Jubouri,Aljuboori,Al-Jubori; التميمي|Al-Tamimi,Altamimi,Tamimi
الدليمي|Al-Dulaimi,Aldulaimi,Al-Dulaymi; العبيدي|Al-Obaidi,Alobaidi,Al-Ubaidi
الزبيدي|Al-Zubaidi,Alzubaidi,Zubaidi; الساعدي|Al-Saadi,Alsaadi; الموسوي|Al-Musawi,Almousawi,Al-Moussawi
الحسيني|Al-Husseini,Alhusseini,Husseini; الكردي|Al-Kurdi,Kurdi; النجار|Al-Najjar,Najjar,Alnajjar
الحمصي|Al-Homsi,Homsi; الإدلبي|Al-Idlibi,Idlibi; الحمادي|Al-Hammadi,Hammadi; العمر|Al-Omar,Alomar
الصالح|Al-Saleh,Alsaleh; الخليل|Al-Khalil,Khalil; الرفاعي|Al-Rifai,Rifai,Alrefai
الشمري|Al-Shammari,Alshammari,Shammari; العنزي|Al-Anazi,Alenezi,Anizi; الجميلي|Al-Jumaili,Aljumaily
الكبيسي|Al-Kubaisi,Alkubaisi; البياتي|Al-Bayati,Albayati,Bayati; الربيعي|Al-Rubaie,Alrubaie,Rubaie
الخزرجي|Al-Khazraji,Khazraji; الراوي|Al-Rawi,Alrawi,Rawi; الحديثي|Al-Hadithi,Alhadithi; العاني|Al-Ani,Alani
الطائي|Al-Taie,Altai,Taei; الدوري|Al-Douri,Aldouri,Duri; السامرائي|Al-Samarrai,Alsamarrai,Samarai
البغدادي|Al-Baghdadi,Baghdadi; الموصلي|Al-Mosuli,Mosuli,Al-Mawsili; الحكيم|Al-Hakim,Hakim
العطار|Al-Attar,Attar; الحلاق|Al-Hallaq,Hallak; القباني|Qabbani,Kabbani,Al-Qabbani
الأسعد|Al-Asaad,Alasaad,Asad; الأيوبي|Al-Ayoubi,Ayoubi; الزعبي|Al-Zoubi,Alzoubi,Zoubi
المحمد|Al-Mohammad,Almohammad,Al-Mohamed; الحسين|Al-Hussein,Alhussein,Al-Husain
الخالد|Al-Khaled,Alkhaled; الجاسم|Al-Jassem,Aljasim,Jassem; الحمود|Al-Hamoud,Alhamoud
العبدالله|Al-Abdullah,Alabdallah; الإبراهيم|Al-Ibrahim,Alibrahim; المحمود|Al-Mahmoud,Almahmoud
الحمد|Al-Hamad,Alhamad; السيد|Al-Sayed,Elsayed,Sayed; الشيخ|Al-Sheikh,Elsheikh,Sheikh
العثمان|Al-Othman,Alothman; الدباغ|Al-Dabbagh,Dabbagh`;

const SO_M = `
Mohamed,Maxamed,Mahamed; Abdi,Cabdi; Ahmed,Axmed; Abdullahi,Cabdullaahi,Abdillahi; Hassan,Xasan,Hasan
Ali,Cali; Omar,Cumar; Hussein,Xuseen,Husein; Mohamud,Maxamuud,Mahamoud; Osman,Cismaan; Yusuf,Yuusuf
Ibrahim,Ibraahim; Ismail,Ismaaciil; Abdirahman,Cabdiraxmaan; Abdirahim,Cabdiraxiim; Abdikarim,Cabdikariim
Abdiaziz,Cabdicasiis; Abdiqadir,Cabdiqaadir; Abdisalam,Cabdisalaam; Abdinasir,Cabdinaasir
Mustafe,Mustafa; Farah,Faarax; Hamza,Xamse; Bashir,Bashiir; Aden,Aadan,Adan; Daud,Daauud,Dawud
Jama,Jaamac; Warsame; Guled,Guuleed; Nur,Nuur; Said,Saciid; Salah,Salaad; Khalid,Khaalid
Liban,Libaan; Mahad; Yasin,Yaasiin; Sharif,Shariif; Zakariye,Zakariya; Idris,Idiris
Mukhtar,Mukhtaar; Awil,Cawil; Ayanle; Dahir,Daahir; Elmi,Cilmi; Fuad,Fuaad; Hirsi,Xirsi
Jibril,Jibriil; Musa,Muuse; Mahdi; Shire; Abukar,Abuukar,Abubakar; Ilyas,Ilyaas; Anwar; Samatar
Yonis,Yoonis,Younis; Burhan,Burhaan; Ayub,Ayuub; Harun,Haaruun; Bile; Dalmar; Geedi; Keyse`;

const SO_F = `
Fadumo,Faadumo,Fatuma; Amina,Aamina; Hodan,Hodon; Asha,Caasha; Khadija,Khadiija,Hadija
Hawa,Xaawo,Hawo; Maryan,Maryam,Mariam; Sahra,Sahro,Zahra; Ifrah,Ifrax; Deeqa; Nasra,Nasro
Hamdi,Xamdi; Sagal; Nimco,Nimo; Ayan,Ayaan; Ubah,Ubax; Hibo; Idil; Farhiya,Farxiya
Halima,Xaliimo,Halimo; Zamzam; Sumaya,Sumaiya; Safiya,Safiyo; Sadia,Sacdiyo; Ilhan,Ilhaan
Nafisa,Nafiso; Muna,Muno; Hinda; Layla,Leyla; Anisa,Aniso; Shukri; Kowsar,Kawsar; Ruqia,Ruqiyo
Samira,Samiira; Yasmin,Yasmiin; Najma,Najmo; Fardowsa,Firdaus; Hana,Xana; Kaltun,Kaltuun,Kaltuma
Mulki; Ebyan,Ebyaan; Salma,Salmo; Roda,Rodo; Suad,Sucaad; Istahil,Istaahil; Hafsa,Xafsa
Fartun,Fartuun; Saynab,Zeinab; Bilan,Bilaan; Ikran,Ikraan; Hamda,Xamdo; Jawahir,Jawaahir; Luul,Lul
Sabirin,Sabriin; Rahma,Raxma; Iqra,Iqro; Hoda,Huda; Naima,Naciimo; Qamar,Qamaro; Warsan; Marwo; Filsan`;

const ET_M = `
ሙሉጌታ|Mulugeta; አበበ|Abebe; ከበደ|Kebede; በቀለ|Bekele; ታደሰ|Tadesse,Tadese
ተስፋዬ|Tesfaye; ግርማ|Girma,Germa; ጌታቸው|Getachew; አለማየሁ|Alemayehu; ብርሃኑ|Birhanu,Berhanu
ደረጀ|Dereje; ሲሳይ|Sisay; ሀብታሙ|Habtamu; ዳዊት|Dawit; መሐመድ|Mohammed,Mehammed; ዮሐንስ|Yohannes,Yohanes; ሰለሞን|Solomon,Selomon
ዳንኤል|Daniel; ሳሙኤል|Samuel; ያሬድ|Yared; ኤርሚያስ|Ermias,Ermiyas; ፍቅሩ|Fikru; ወንድሙ|Wondimu,Wendimu
ተክሌ|Tekle; መለሰ|Melese,Meles; ኢሳያስ|Isayas,Isaias; አማኑኤል|Amanuel,Emmanuel; ብሩክ|Biruk,Bruk
ናትናኤል|Natnael,Nathnael; ኪዳኔ|Kidane; ሓጎስ|Hagos; ገብረመድህን|Gebremedhin,Gebre Medhin
ገብረሚካኤል|Gebremichael,Gebremikael,Gebre Michael; ተወልደ|Tewolde,Tewelde; ፀጋዬ|Tsegaye,Tsegay
ኃይሌ|Haile; ኃይሉ|Hailu; ገብሩ|Gebru; ተፈሪ|Teferi,Tafari; መንግስቱ|Mengistu; ጥላሁን|Tilahun
አሸናፊ|Ashenafi; ቴዎድሮስ|Tewodros,Tewdros; ዮናስ|Yonas; ሚካኤል|Michael,Mikael; እዮብ|Eyob,Iyob
ኤልያስ|Elias,Eliyas; ዘርኣይ|Zerai,Zeray; ሙሴ|Muse,Musse; አብርሃም|Abraham,Abreham; ካሳ|Kassa,Kasa
ወልዱ|Weldu,Woldu; ፍስሃ|Fisseha,Fiseha; ገብረእግዚአብሔር|Gebregziabher,Gebreegziabher,Gebre Egziabher
ተስፋልደት|Tesfaldet,Tesfalidet; መሓሪ|Mehari,Mahari; ኣወት|Awet; ሳምሶን|Samson; ኤፍሬም|Efrem,Ephrem
ቢንያም|Biniam,Biniyam,Binyam; ፍፁም|Fitsum; ሄኖክ|Henok,Henock; ዮሴፍ|Yosef,Yoseph; ሃብቶም|Habtom
በረከት|Bereket; ፋሲል|Fasil,Fassil; ግዛቸው|Gizachew; ሽመልስ|Shimeles,Shemeles; ቶማስ|Tomas,Thomas
ዘካርያስ|Zekarias,Zacharias; ታምራት|Tamrat; አዲሱ|Addisu,Adisu; ወልደማርያም|Woldemariam,Weldemariam
ኪሮስ|Kiros; ብርሃነ|Berhane,Birhane; ከድር|Kedir,Kadir; ጀማል|Jemal,Jamal`;

const ET_F = `
መሰረት|Meseret; ትዕግስት|Tigist,Tegist; ሄለን|Helen; ብርቱካን|Birtukan; አልማዝ|Almaz; ሰላም|Selam,Salam
ሳራ|Sara; ማርታ|Marta,Martha; ቤተልሄም|Betelhem,Bethlehem; ሕይወት|Hiwot,Hewot; ዘውዲቱ|Zewditu,Zawditu
ፀሐይ|Tsehay,Tsehai; መቅደስ|Mekdes; ራሄል|Rahel; ሩት|Rut,Ruth; ሊያ|Liya,Lia; ኤደን|Eden; ሀና|Hana,Hanna
ማህሌት|Mahlet; ሶስና|Sosina; ትርሓስ|Trhas,Tirhas; ሳባ|Saba; ፍሬሕይወት|Frehiwot,Firehiwot
ምሕረት|Mihret,Mehret; ቅድስት|Kidist,Qidist; የርዳኖስ|Yordanos; ወይንሸት|Weynshet,Woinshet; አበበች|Abebech
ሰናይት|Senait,Sennait; ፅጌ|Tsige; ፅጌረዳ|Tsigereda; ገነት|Genet; ብዙነሽ|Bizunesh; ጥሩነሽ|Tirunesh
አስቴር|Aster,Ester; ዮዲት|Yodit,Judith; ኤልሳቤጥ|Elsabet,Elisabeth; ወርቅነሽ|Workinesh,Worknesh
እመቤት|Emebet; ሉሊት|Lulit; ናርዶስ|Nardos; ቤዛ|Beza; ሜሮን|Meron; ፍረወይኒ|Freweini,Frewoini
ለምለም|Lemlem; ሙሉ|Mulu; አዜብ|Azeb; ሕሊና|Hilina,Helina; ሄራን|Heran; ሶፊያ|Sofia; ብሌን|Bilen
ቃልኪዳን|Kalkidan; ሰብለ|Seble; እሌኒ|Eleni; ሃይማኖት|Haimanot,Haymanot; ዳግማዊት|Dagmawit
ፀደይ|Tsedey,Tsedy; ሰሚራ|Semira,Samira; ሩሐማ|Ruhama; ቢታንያ|Bitaniya,Betania; ኤፍራታ|Efrata,Ephrata
ሐዊ|Hawi; ፋጡማ|Fatuma,Fatima`;

const RU_M = `
ru:Александр|Aleksandr,Alexander,Alexandr; uk:Олександр|Oleksandr,Oleksander,Alexander
ru:Дмитрий|Dmitry,Dmitriy,Dmitrii; Максим|Maksim,Maxim,Maksym; ru:Иван|Ivan; ru:Михаил|Mikhail,Mihail,Michael
ru:Артём|Artyom,Artem,Artiom; uk:Андрій|Andrii,Andriy; uk:Дмитро|Dmytro,Dmitro; ru:Андрей|Andrey,Andrei
ru:Сергей|Sergey,Sergei; ru:Алексей|Aleksey,Alexey,Alexei; uk:Іван|Ivan; uk:Михайло|Mykhailo,Mykhaylo,Mikhailo
Никита|Nikita; ru:Матвей|Matvey,Matvei; ru:Кирилл|Kirill,Kiril; uk:Кирило|Kyrylo,Kirilo; ru:Егор|Egor,Yegor
uk:Єгор|Yehor,Yegor; ru:Илья|Ilya,Ilia; uk:Ілля|Illia,Illya; ru:Даниил|Daniil,Daniel; uk:Данило|Danylo,Danilo
uk:Сергій|Serhii,Serhiy; uk:Олексій|Oleksii,Oleksiy; uk:Артем|Artem; ru:Тимофей|Timofey,Timofei
uk:Тимофій|Tymofii,Timofiy; Роман|Roman; ru:Владимир|Vladimir; uk:Володимир|Volodymyr,Volodimir
ru:Николай|Nikolay,Nikolai; uk:Микола|Mykola,Mikola; ru:Павел|Pavel; uk:Павло|Pavlo; ru:Евгений|Evgeny,Yevgeny,Evgenii
uk:Євген|Yevhen,Evgen; Денис|Denis,Denys; Владислав|Vladislav,Vladyslav; uk:Богдан|Bohdan,Bogdan
uk:Тарас|Taras; ru:Юрий|Yuri,Yury,Iurii; uk:Юрій|Yurii,Yuriy; ru:Виктор|Viktor,Victor; uk:Віктор|Viktor
Олег|Oleg,Oleh; ru:Игорь|Igor; uk:Ігор|Ihor,Igor; ru:Василий|Vasily,Vasiliy,Vasilii; uk:Василь|Vasyl,Vasil
ru:Григорий|Grigory,Grigoriy; Степан|Stepan; ru:Фёдор|Fyodor,Fedor; Лев|Lev; Марк|Mark; ru:Глеб|Gleb
ru:Арсений|Arseny,Arseniy; uk:Назар|Nazar; uk:Остап|Ostap; Ярослав|Yaroslav,Iaroslav; Вадим|Vadim,Vadym
Антон|Anton; Тимур|Timur`;

const RU_F = `
ru:Анастасия|Anastasia,Anastasiya; uk:Анастасія|Anastasiia,Anastasiya; ru:Мария|Maria,Mariya; uk:Марія|Mariia,Mariya
uk:Софія|Sofiia,Sofiya; ru:София|Sofia,Sofiya; Анна|Anna; ru:Екатерина|Ekaterina,Yekaterina,Katerina
uk:Катерина|Kateryna,Katerina; uk:Ганна|Hanna,Ganna; ru:Дарья|Darya,Daria,Dariya; uk:Дарина|Daryna,Darina
Полина|Polina; ru:Алиса|Alisa,Alice; ru:Виктория|Viktoriya,Victoria,Viktoria; uk:Вікторія|Viktoriia,Viktoriya
ru:Елизавета|Elizaveta,Yelizaveta; uk:Єлизавета|Yelyzaveta; ru:Ксения|Kseniya,Ksenia; uk:Ксенія|Kseniia
Варвара|Varvara; ru:Александра|Aleksandra,Alexandra; uk:Олександра|Oleksandra; Ольга|Olga,Olha
ru:Ирина|Irina; uk:Ірина|Iryna; ru:Наталья|Natalya,Natalia,Nataliya; uk:Наталія|Nataliia; ru:Татьяна|Tatyana,Tatiana
uk:Тетяна|Tetiana,Tetyana; ru:Елена|Elena,Yelena; uk:Олена|Olena; ru:Юлия|Yulia,Yuliya,Julia; uk:Юлія|Yuliia
ru:Светлана|Svetlana; ru:Людмила|Lyudmila,Liudmila,Ludmila; uk:Оксана|Oksana; ru:Галина|Galina,Halyna
Марина|Marina,Maryna; ru:Валерия|Valeriya,Valeria; ru:Вероника|Veronika; uk:Діана|Diana; ru:Диана|Diana
Милана|Milana; Злата|Zlata; ru:Ева|Eva; uk:Єва|Yeva; ru:Алина|Alina; uk:Аліна|Alina; Кира|Kira; Арина|Arina
ru:Таисия|Taisiya,Taisia; uk:Христина|Khrystyna,Khristina,Christina; uk:Соломія|Solomiia,Solomiya
uk:Мирослава|Myroslava,Miroslava; uk:Уляна|Uliana,Ulyana; ru:Надежда|Nadezhda; uk:Надія|Nadiia,Nadiya
ru:Любовь|Lyubov,Liubov; Маргарита|Margarita; ru:Вера|Vera; uk:Віра|Vira; Ангелина|Angelina`;

// Masculine forms; feminine forms are derived (-ов/-ев/-ин +а, -ский -> -ская, -ський -> -ська).
const RU_FAM = `
Иванов|Ivanov; uk:Шевченко|Shevchenko; Смирнов|Smirnov; uk:Бойко|Boiko,Boyko; Кузнецов|Kuznetsov
uk:Коваленко|Kovalenko; Попов|Popov; uk:Бондаренко|Bondarenko; Васильев|Vasilyev,Vasiliev; uk:Ткаченко|Tkachenko
Петров|Petrov; uk:Кравченко|Kravchenko; Соколов|Sokolov; uk:Коваль|Koval; Михайлов|Mikhailov,Mihailov
uk:Олійник|Oliinyk,Oliynyk; Новиков|Novikov; uk:Шевчук|Shevchuk; Фёдоров|Fyodorov,Fedorov
uk:Поліщук|Polishchuk; Морозов|Morozov; uk:Бондар|Bondar; Волков|Volkov; uk:Ткачук|Tkachuk
Алексеев|Alekseev,Alekseyev; uk:Мельник|Melnyk,Melnik; Лебедев|Lebedev; uk:Марченко|Marchenko
Семёнов|Semyonov,Semenov; uk:Руденко|Rudenko; Егоров|Egorov,Yegorov; uk:Савченко|Savchenko
Павлов|Pavlov; uk:Петренко|Petrenko; Козлов|Kozlov; uk:Лисенко|Lysenko,Lisenko; Степанов|Stepanov
uk:Мороз|Moroz; Николаев|Nikolaev,Nikolayev; uk:Павленко|Pavlenko; Орлов|Orlov; uk:Ковальчук|Kovalchuk
Андреев|Andreev,Andreyev; uk:Клименко|Klymenko,Klimenko; Макаров|Makarov; Никитин|Nikitin
Захаров|Zakharov,Zaharov; Зайцев|Zaytsev,Zaitsev; Соловьёв|Solovyov,Soloviev; Борисов|Borisov
Яковлев|Yakovlev; Григорьев|Grigoryev,Grigoriev; Романов|Romanov; Воробьёв|Vorobyov,Vorobiev
Сергеев|Sergeev,Sergeyev; Кузьмин|Kuzmin; Фролов|Frolov; Александров|Aleksandrov,Alexandrov
Дмитриев|Dmitriev; Королёв|Korolyov,Korolev; Гусев|Gusev; Киселёв|Kiselyov,Kiselev; Ильин|Ilyin,Ilin
Максимов|Maksimov,Maximov; Поляков|Polyakov; Сорокин|Sorokin; Виноградов|Vinogradov
Ковалёв|Kovalyov,Kovalev; Белов|Belov; Медведев|Medvedev; Антонов|Antonov; Тарасов|Tarasov
Жуков|Zhukov; Баранов|Baranov; Ковальский|Kovalsky,Kovalskiy; uk:Ковальський|Kovalskyi,Kovalsky
Вишневский|Vishnevsky,Vishnevskiy; uk:Гончаренко|Honcharenko,Goncharenko; uk:Кравчук|Kravchuk`;

const PS_M = `
محمد|Mohammad,Muhammad,Mohammed; احمد|Ahmad,Ahmed; علی|Ali; عبدالله|Abdullah,Abdulla
حمید|Hamid,Hameed; نجیب|Najib,Najeeb; رحیم|Rahim,Raheem; کریم|Karim,Kareem
عبدالرحمن|Abdul Rahman,Abdurrahman,Abdulrahman; گل|Gul; حبیب الله|Habibullah,Habib Ullah
ذبیح الله|Zabihullah,Zabiullah; سمیع الله|Samiullah,Sami Ullah; نجیب الله|Najibullah,Najeebullah
عزیز الله|Azizullah; امان الله|Amanullah; رحمت الله|Rahmatullah; عبدالغنی|Abdul Ghani,Abdulghani
عبدالحق|Abdul Haq,Abdulhaq; عبدالقادر|Abdul Qadir,Abdulqadir; گلاب|Gulab; شاه|Shah; حبیب|Habib
خان|Khan; شیر|Sher,Shir; میرویس|Mirwais,Mirways; اسد|Asad,Assad; فرید|Farid,Fareed
جاوید|Javid,Jawid,Javed; نوید|Navid,Naweed,Nawid; سهراب|Sohrab,Suhrab; رستم|Rostam,Rustam
بهرام|Bahram; جمشید|Jamshid,Jamsheed; فرهاد|Farhad; مسعود|Masoud,Masood,Massoud
محمود|Mahmood,Mahmud; یوسف|Yousuf,Yusuf; ادریس|Idris,Edris; اسماعیل|Ismail,Esmail
ابراهیم|Ibrahim,Ebrahim; عمر|Omar,Umar; عثمان|Usman,Osman; بلال|Bilal; حمزه|Hamza,Hamzah
زبیر|Zubair,Zobair; ضیا|Zia,Ziya; شفیق|Shafiq,Shafeeq; صدیق|Siddiq,Sediq,Sadiq; طارق|Tariq,Tareq
وحید|Wahid,Vahid,Waheed; همایون|Humayun,Homayoun; نصیر|Nasir,Naseer; قدیر|Qadir,Qadeer
خالد|Khalid,Khaled; رامین|Ramin; سلیمان|Sulaiman,Soleiman; نور|Noor,Nur; مجیب|Mujib,Mujeeb
شکیب|Shakib,Shakeeb; هارون|Haroon,Harun; الیاس|Ilyas,Elyas`;

const PS_F = `
فاطمه|Fatima,Fatema; مریم|Maryam,Mariam; زهرا|Zahra,Zahraa; ملالی|Malalai,Malali; ملاله|Malala
پروانه|Parwana,Parvaneh; شبنم|Shabnam; نسرین|Nasrin,Nasreen; فریبا|Fariba; فرزانه|Farzana,Farzaneh
زرغونه|Zarghuna,Zarghona; گلالۍ|Gulalai,Golalai; گلناز|Gulnaz; کلثوم|Kulsum,Kolsoom; نادیه|Nadia
ناهید|Nahid,Naheed; لیلا|Laila,Leila; سمیرا|Samira; سحر|Sahar; صدف|Sadaf; ستاره|Setara,Sitara
شکریه|Shukria,Shukriya; حمیده|Hamida; رحیمه|Rahima; نفیسه|Nafisa,Nafiseh; مرسل|Mursal
مژگان|Mozhgan,Mujgan; هما|Homa,Huma; رویا|Roya,Ruya; بهار|Bahar; منیژه|Manizha,Manijeh
نرگس|Nargis,Narges; نجیبه|Najiba; عایشه|Aisha,Ayesha; خدیجه|Khadija,Khadijah; آمنه|Amina,Amena
زینب|Zainab,Zeinab; حلیمه|Halima; سلیمه|Salima; ثریا|Soraya,Suraya; پریسا|Parisa; شیلا|Shila,Sheila
فرشته|Fereshta,Freshta; سیما|Sima,Seema; مینا|Mina,Meena; مهناز|Mahnaz; نازنین|Nazanin
نیلوفر|Nilofar,Nilufar; وحیده|Wahida,Vahida; یلدا|Yalda; ژیلا|Zhila,Jila; طاهره|Tahira,Tahereh
فوزیه|Fawzia,Fauzia; حسینه|Hasina; زلیخا|Zulaikha,Zuleikha; روشنا|Roshana,Roshna; مهری|Mehri
شیرین|Shirin,Sherin; سپوږمۍ|Spozhmai,Spogmai; پلوشه|Palwasha; وږمه|Wazhma,Wajma
نازیه|Nazia; ماه گل|Mahgul,Mah Gul`;

const PS_FAM = `
احمدزی|Ahmadzai,Ahmadzay; پوپلزی|Popalzai,Popalzay; بارکزی|Barakzai,Barakzay; اڅکزی|Achakzai,Achekzai
نورزی|Noorzai,Nurzai; علیزی|Alizai; محمدزی|Mohammadzai,Mohammadzay; یوسفزی|Yousafzai,Yusufzai
ستانکزی|Stanikzai,Stanekzai; شینواری|Shinwari,Shinwary; مومند|Mohmand,Momand; وردک|Wardak,Wardag
کاکړ|Kakar; خټک|Khattak; آفریدی|Afridi; صافی|Safi; غلجی|Ghilzai; هوتک|Hotak,Hotaki; نیازی|Niazi
لودی|Lodi; جلالی|Jalali; کریمی|Karimi; رحیمی|Rahimi; احمدی|Ahmadi; محمدی|Mohammadi,Muhammadi
حیدری|Haidari,Heydari; حسینی|Hussaini,Hosseini; رضایی|Rezaei,Rezai; نوری|Noori,Nouri
صدیقی|Siddiqi,Sediqi; عزیزی|Azizi; قادری|Qaderi,Qadiri; هاشمی|Hashimi,Hashemi; سلطانی|Sultani,Soltani
امیری|Amiri; نظری|Nazari; حکیمی|Hakimi; وحیدی|Wahidi,Vahidi; جعفری|Jafari,Jaafari
یوسفی|Yousufi,Yusufi; فرهادی|Farhadi; مرادی|Moradi,Muradi; رسولی|Rasuli,Rasouli; سعیدی|Saidi,Saeedi
قاسمی|Qasimi,Ghasemi; نادری|Naderi,Nadiri; کاظمی|Kazimi,Kazemi; رحمانی|Rahmani; عثمانی|Usmani,Osmani
فاضلی|Fazli,Fazeli; حبیبی|Habibi; شریفی|Sharifi; طاهری|Taheri,Tahiri; زمانی|Zamani; صمدی|Samadi
ابراهیمی|Ibrahimi,Ebrahimi; باختری|Bakhtari; کابلی|Kabuli; هراتی|Herati; بلخی|Balkhi`;

const EN_M = `
Oliver; Jack; Harry; George; Noah; Charlie; Jacob; Thomas; William; James; Oscar; Leo; Alfie; Freddie
Joshua; Henry; Archie; Daniel; Samuel; Joseph; Max; Ethan; Isaac; Lucas; Logan; Benjamin; Alexander
Liam; Mason; Michael; Matthew,Mathew; Christopher; Andrew; David; Robert; Richard; Edward; Anthony
Nicholas; Jonathan,Johnathan; Stephen,Steven; Dylan; Tyler; Ryan; Nathan; Luke; Adam; Callum
Connor,Conor; Jayden,Jaden,Jaiden; Aiden,Aidan; Elijah; Caleb; Owen; Finley,Finlay; Reuben
Theodore; Sebastian; Arthur; Louis; Toby; Jake; Harrison; Kyle; Patrick`;

const EN_F = `
Olivia; Amelia; Isla; Ava; Emily; Sophia,Sofia; Grace; Mia; Poppy; Ella; Lily; Evie; Isabella,Izabella
Charlotte; Jessica; Sophie; Chloe; Ruby; Freya; Alice; Florence; Daisy; Phoebe; Scarlett,Scarlet
Matilda; Elizabeth; Katherine,Catherine,Kathryn; Margaret; Sarah,Sara; Hannah,Hanna; Emma; Lucy
Rebecca,Rebekah; Rachel; Laura; Amy; Megan,Meghan; Holly; Abigail; Madison; Hailey,Haley,Hayley
Ashley,Ashleigh; Brianna,Breanna; Samantha; Victoria; Jennifer; Jasmine,Jasmin; Eleanor,Elinor
Harriet; Imogen; Rosie; Evelyn; Zoë,Zoe; Millie,Milly; Maisie; Lola; Erin; Caitlin,Kaitlyn,Katelyn
Niamh; Courtney; Paige`;

const EN_FAM = `
Smith; Jones; Williams; Taylor; Brown; Davies,Davis; Evans; Wilson; Thomas; Johnson; Roberts; Robinson
Thompson,Thomson; Wright; Walker; White; Edwards; Hughes; Green,Greene; Hall; Lewis; Harris
Clarke,Clark; Patel; Jackson; Wood; Turner; Martin; Cooper; Hill; Ward; Morris; Moore; Lee,Leigh
King; Baker; Harrison; Morgan; Allen,Allan; James; Scott; Phillips,Philips; Watson; Parker; Price
Bennett,Bennet; Young; Griffiths,Griffith; Mitchell; Kelly; Cook,Cooke; Carter; Richardson; Bailey
Collins; Bell; Shaw; Murphy; Miller; Cox; Richards; Khan; Marshall; Anderson; Simpson; Ellis
Adams; Wilkinson; O'Brien,OBrien; MacDonald,McDonald`;

const FR_M = `
Gabriel; Léo; Raphaël; Louis; Lucas; Adam; Jules; Hugo; Maël; Arthur; Nathan; Liam; Ethan; Paul
Noah; Sacha,Sasha; Gabin; Tom; Mohamed; Aaron; Théo; Nolan; Timéo; Martin; Eden; Mathis; Axel
Isaac; Enzo; Marius; Léon; Antoine; Baptiste; Clément; Maxime; Alexandre; Thomas; Nicolas; Julien
Pierre; Jean; François; Guillaume; Mathéo; Romain; Quentin; Valentin; Victor; Samuel; Benjamin
Rayan; Yanis; Amir; Kylian; Evan; Émile; Lenny; Noé; Olivier; Sébastien; Florian; Moussa; Ibrahima
Mamadou; Souleymane; Oumar`;

const FR_F = `
Jade; Louise; Emma; Ambre; Alice; Rose; Anna; Alba; Romy; Mia; Lina; Léa; Chloé; Inès; Julia; Léna
Mila; Agathe; Iris; Juliette; Lou; Zoé; Manon; Camille; Sarah,Sara; Eva; Nina; Adèle; Louna; Jeanne
Margaux,Margot; Charlotte; Lucie; Clara; Lola; Victoire; Capucine; Éléonore; Céline; Marie; Aurélie
Émilie; Élise; Mathilde; Pauline; Océane; Maëlys; Anaïs; Amandine; Laura; Élodie; Justine; Marion
Héloïse; Noémie; Clémence; Solène; Aya; Yasmine; Fatoumata; Aminata; Mariam; Awa; Kadiatou`;

const FR_FAM = `
Martin; Bernard; Thomas; Petit; Robert; Richard; Durand; Dubois; Moreau; Laurent; Simon; Michel
Lefebvre,Lefèvre; Leroy; Roux; David; Bertrand; Morel; Fournier; Girard; Bonnet; Dupont; Lambert
Fontaine; Rousseau; Vincent; Muller,Müller; Faure; André; Mercier; Blanc; Guérin; Boyer; Garnier
Chevalier; François; Legrand; Gauthier,Gautier; Garcia; Perrin; Robin; Clément; Morin; Nicolas
Henry; Roussel; Mathieu; Masson; Marchand; Duval; Denis; Dumont; Lemaire; Noël; Meyer; Dufour
Meunier; Brun; Blanchard; Giraud; Joly; Rivière; Lucas; Brunet; Gaillard; Barbier; Arnaud; Diallo
Traoré; Koné; Camara; Diop; Ndiaye; Coulibaly; Sow`;

const ES_M = `
Santiago; Mateo; Sebastián; Matías; Nicolás; Alejandro; Diego; Samuel; Benjamín; Daniel; Joaquín
Lucas; Tomás; Gabriel; Martín; David; Emiliano; Jerónimo; Leonardo; Thiago,Tiago; Juan; José; Luis
Carlos; Jorge; Miguel; Francisco; Antonio; Manuel; Pedro; Javier,Xavier; Fernando; Ricardo; Rafael
Andrés; Eduardo; Roberto; Alberto; Pablo; Sergio; Raúl; Óscar; Víctor; Héctor; Ángel; Emmanuel,Emanuel
Iker; Hugo; Álvaro; Adrián; Marco; Gael; Dylan; Maximiliano; Julián; Agustín; Felipe; Ignacio
Esteban; Cristian,Christian; Kevin; Brayan,Bryan; Jesús; Rodrigo; Gustavo`;

const ES_F = `
Sofía; Valentina; Isabella,Isabela; Camila; Valeria; Mariana; Gabriela; Sara; Daniela
María José,Maria José,María-José; Victoria; Martina; Lucía; Ximena,Jimena; Natalia; Luciana; Emma
Paula; Julia; Elena; Catalina; Antonella; Renata; Fernanda; Andrea; Alejandra; Guadalupe; María; Ana
Carmen; Laura; Paola; Carolina; Adriana; Mónica; Patricia; Rosa; Teresa; Dolores; Pilar; Juana
Francisca; Josefa; Margarita; Beatriz; Claudia; Diana; Verónica; Silvia; Liliana; Yesenia
Yuliana,Juliana; Milagros; Abril; Regina; Jazmín,Yazmín; Aitana; Noelia; Luna; Florencia; Agustina`;

const ES_FAM = `
García; Rodríguez; González; Fernández; López; Martínez; Sánchez; Pérez; Gómez; Martín; Jiménez
Ruiz; Hernández; Díaz; Moreno; Muñoz; Álvarez; Romero; Alonso; Gutiérrez; Navarro; Torres
Domínguez; Vázquez,Vásquez; Ramos; Gil; Ramírez; Serrano; Blanco; Molina; Morales; Suárez; Ortega
Delgado; Castro; Ortiz; Rubio; Marín; Sanz; Núñez; Iglesias; Medina; Garrido; Cortés; Castillo
Santos; Lozano; Guerrero; Cano; Prieto; Méndez; Cruz; Flores; Herrera; Peña; León; Márquez
Cabrera; Gallego; Calvo; Vidal; Campos; Vega; Fuentes; Carrasco; Reyes; Rojas; Vargas; Mendoza
Silva; Aguilar; Contreras`;

// Nicknames and diminutives: formal (native or first Latin spelling as in the pool) = nick; nick; ...
const NICKS = {
  en: `
William = Bill; Will; Billy
Elizabeth = Liz; Beth; Lizzie; Eliza
Alexander = Alex; Xander
Robert = Bob; Rob; Bobby
Richard = Rick; Richie; Dick
Thomas = Tom; Tommy
James = Jim; Jimmy; Jamie
Michael = Mike; Mikey
Christopher = Chris
Matthew = Matt
Benjamin = Ben; Benny
Samuel = Sam; Sammy
Daniel = Dan; Danny
Joseph = Joe; Joey
Edward = Ed; Eddie; Ted
Anthony = Tony
Nicholas = Nick; Nicky
Jonathan = Jon; Johnny
Theodore = Theo; Teddy
Katherine = Kate; Katie; Kathy
Margaret = Maggie; Peggy; Meg
Rebecca = Becky; Becca
Jessica = Jess; Jessie
Abigail = Abby; Abbie
Samantha = Sam; Sammy
Victoria = Vicky; Tori
Jennifer = Jen; Jenny
Eleanor = Ellie; Nell
Harriet = Hattie
Charlotte = Lottie; Charlie
Isabella = Bella; Izzy`,
  fr: `
Alexandre = Alex
Nicolas = Nico
Maxime = Max
Sébastien = Seb
Valentin = Val
Guillaume = Guillem
Mathilde = Mathou`,
  es: `
Francisco = Paco; Pancho; Curro
José = Pepe
Alejandro = Alex; Ale
Jesús = Chuy
Antonio = Toño; Tony
Manuel = Manolo; Manu
Roberto = Beto
Alberto = Beto
Eduardo = Lalo
Ignacio = Nacho
Fernando = Nando
Santiago = Santi
Sebastián = Seba; Sebas
Guadalupe = Lupe
Dolores = Lola
Valentina = Vale
María José = Majo
Isabella = Isa
Carolina = Caro
Daniela = Dani`,
  ru: `
Александр = Саша|Sasha; Шура|Shura
Олександр = Сашко|Sashko; Саша|Sasha
Екатерина = Катя|Katya,Katia
Катерина = Катя|Katya,Katia
Дмитрий = Дима|Dima
Михаил = Миша|Misha
Владимир = Вова|Vova; Володя|Volodya
Володимир = Володя|Volodya
Анастасия = Настя|Nastya,Nastia
Анастасія = Настя|Nastia,Nastya
Мария = Маша|Masha
Елена = Лена|Lena
Николай = Коля|Kolya
Алексей = Лёша|Lyosha,Lesha; Алёша|Alyosha
Иван = Ваня|Vanya
Ольга = Оля|Olya
Татьяна = Таня|Tanya
Тетяна = Таня|Tanya
Сергей = Серёжа|Seryozha,Serezha
Наталья = Наташа|Natasha
Елизавета = Лиза|Liza
Дарья = Даша|Dasha
Юлия = Юля|Yulya
Евгений = Женя|Zhenya
Павел = Паша|Pasha
Ксения = Ксюша|Ksyusha`,
  ar: `
محمد = حمودي|Hamoudi,Hamoody; مودي|Moudi
أحمد = حمادة|Hamada
عبدالرحمن = عبده|Abdo,Abdu
عبدالله = عبود|Abboud,Aboud
عبدالعزيز = عزوز|Azzouz
فاطمة = فطوم|Fatoum,Fattoum
خديجة = خدوج|Khadouj`,
  so: `
Abdirahman = Abdi
Abdiaziz = Abdi; Aziz
Abdikarim = Abdi; Karim
Abdullahi = Abdalla; Abdi
Fadumo = Fadi`,
  ps: `
حبیب الله = حبیب|Habib
ذبیح الله = ذبیح|Zabi,Zabih
سمیع الله = سمیع|Sami,Samee
نجیب الله = نجیب|Najib
عزیز الله = عزیز|Aziz
امان الله = امان|Aman
رحمت الله = رحمت|Rahmat`,
  et: `
ገብረመድህን = ገብሬ|Gebre
ገብረሚካኤል = ገብሬ|Gebre
ገብረእግዚአብሔር = ገብሬ|Gebre
ወልደማርያም = ወልዴ|Wolde`,
};

// ------------------------------------------------------------------ cultures and places

const COUNTRIES = ['SD', 'ET', 'UA'];

const CULTURE_DEFS = [
  { key: 'ar', zipf: [1.0, 0.9], weight: 0.26, nativeP: 0.5, male: AR_M, female: AR_F, family: AR_FAM,
    last: [['family', 0.35], ['father', 0.45], ['grandfather', 0.20]], countries: { SD: 0.75, ET: 0.10, UA: 0.15 } },
  { key: 'so', zipf: [1.0, 0.9], weight: 0.10, nativeP: 0, male: SO_M, female: SO_F,
    last: [['father', 0.8], ['grandfather', 0.2]], countries: { ET: 0.75, SD: 0.20, UA: 0.05 } },
  { key: 'et', zipf: [0.8, 0.8], weight: 0.13, nativeP: 0.5, male: ET_M, female: ET_F,
    last: [['father', 0.85], ['grandfather', 0.15]], countries: { ET: 0.85, SD: 0.15 } },
  { key: 'ru', zipf: [0.8, 0.8], weight: 0.14, nativeP: 0.5, male: RU_M, female: RU_F, family: RU_FAM, gendered: true, uk: 0.65,
    last: [['family', 1]], countries: { UA: 0.95, SD: 0.02, ET: 0.03 } },
  { key: 'ps', zipf: [1.0, 0.9], weight: 0.10, nativeP: 0.5, male: PS_M, female: PS_F, family: PS_FAM,
    last: [['family', 0.55], ['father', 0.45]], countries: { UA: 0.40, SD: 0.30, ET: 0.30 } },
  { key: 'en', zipf: [0.7, 0.7], weight: 0.10, nativeP: 0, accents: true, male: EN_M, female: EN_F, family: EN_FAM,
    last: [['family', 1]], countries: { UA: 0.40, ET: 0.30, SD: 0.30 } },
  { key: 'fr', zipf: [0.7, 0.7], weight: 0.08, nativeP: 0, accents: true, male: FR_M, female: FR_F, family: FR_FAM,
    last: [['family', 1]], countries: { SD: 0.45, ET: 0.35, UA: 0.20 } },
  { key: 'es', zipf: [0.75, 0.75], weight: 0.09, nativeP: 0, accents: true, male: ES_M, female: ES_F, family: ES_FAM,
    last: [['family', 1]], maternal: 0.4, countries: { UA: 0.50, ET: 0.25, SD: 0.25 } },
];

const stripAccents = s => s.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
const entryKey = e => e.nat ?? e.lat[0];

function parseEntry(tok, accents) {
  let lang = null;
  const lm = /^(ru|uk):/.exec(tok);
  if (lm) { lang = lm[1]; tok = tok.slice(3); }
  let nat = null, lat = tok;
  const bar = tok.indexOf('|');
  if (bar >= 0) { nat = tok.slice(0, bar).trim(); lat = tok.slice(bar + 1); }
  const lats = lat.split(',').map(s => s.trim()).filter(Boolean);
  if (accents) for (const l of [...lats]) { const s = stripAccents(l); if (!lats.includes(s)) lats.push(s); }
  if (!lats.length) throw new Error(`name entry without a Latin spelling: ${tok}`);
  return { nat, lat: lats, nick: null, fem: null, lang };
}
function parsePool(text, accents, what) {
  const out = text.split(/[;\n]/).map(s => s.trim()).filter(Boolean).map(t => parseEntry(t, accents));
  const seen = new Set();
  for (const e of out) {
    if (seen.has(entryKey(e))) throw new Error(`duplicate name in ${what}: ${entryKey(e)}`);
    seen.add(entryKey(e));
  }
  return out;
}
function feminine(e) {
  const n = e.nat;
  let nat, latf;
  if (n.endsWith('ский')) { nat = n.slice(0, -2) + 'ая'; latf = l => l.replace(/(skiy|skii|sky)$/, 'skaya'); }
  else if (n.endsWith('ський')) { nat = n.slice(0, -2) + 'а'; latf = l => l.replace(/(skyi|skyy|sky)$/, 'ska'); }
  else if (/(ов|ев|ёв|ин|ын)$/.test(n)) { nat = n + 'а'; latf = l => l + 'a'; }
  else return e;                                   // Ukrainian -enko, -uk, Коваль, Мельник: no gender
  return { nat, lat: [...new Set(e.lat.map(latf))], nick: null, fem: null, lang: e.lang };
}
function mkPool(items, s) { return { items, cum: zipf(items.length, s) }; }

const CULTURES = CULTURE_DEFS.map(def => {
  const male = parsePool(def.male, def.accents, def.key + ' male');
  const female = parsePool(def.female, def.accents, def.key + ' female');
  const family = def.family ? parsePool(def.family, def.accents, def.key + ' family') : null;
  if (def.gendered) for (const e of family) e.fem = feminine(e);
  const byKey = new Map();
  for (const e of [...male, ...female]) if (!byKey.has(entryKey(e))) byKey.set(entryKey(e), e);
  let nickPairs = 0;
  for (const line of (NICKS[def.key] || '').split('\n')) {
    if (!line.trim()) continue;
    const [formal, rest] = line.split('=').map(s => s.trim());
    const e = byKey.get(formal);
    if (!e) throw new Error(`nickname table (${def.key}): no given name ${formal}`);
    e.nick = rest.split(';').map(s => s.trim()).filter(Boolean).map(t => parseEntry(t, false));
    nickPairs += e.nick.length;
  }
  const lastKinds = def.last.map(x => x[0]);
  return {
    key: def.key, nativeP: def.nativeP, maternal: def.maternal || 0, uk: def.uk || 0, nickPairs,
    male: mkPool(male, def.zipf[0]), female: mkPool(female, def.zipf[1]), family: family && mkPool(family, 0.8),
    lastKinds, lastCum: cumulative(def.last.map(x => x[1])),
    countryCum: cumulative(COUNTRIES.map(c => def.countries[c] || 0)),
  };
});
const CULT_CUM = cumulative(CULTURE_DEFS.map(d => d.weight));

// Places: COUNTRY + admin1 (01..15) + admin2 (01..10), Zipf-skewed within each level.
const ADMIN1 = 15, ADMIN2 = 10;
const A1_CUM = zipf(ADMIN1, 1.1), A2_CUM = zipf(ADMIN2, 0.9);
const placeCode = (c, a1, a2) => COUNTRIES[c] + pad2(a1 + 1) + pad2(a2 + 1);

// ------------------------------------------------------------------ typing errors

function kbdMap(rows) {
  const m = new Map();
  rows.forEach((row, r) => {
    const R = [...row];
    R.forEach((ch, i) => {
      const up = rows[r - 1] ? [...rows[r - 1]] : [], dn = rows[r + 1] ? [...rows[r + 1]] : [];
      const nb = [R[i - 1], R[i + 1], up[i], up[i + 1], dn[i - 1], dn[i]].filter(Boolean);
      m.set(ch, nb);
    });
  });
  return m;
}
const KBD = new Map([
  ...kbdMap(['qwertyuiop', 'asdfghjkl', 'zxcvbnm']),
  ...kbdMap(['йцукенгшщзхъ', 'фывапролджэ', 'ячсмитьбю']),
  ...kbdMap(['ضصثقفغعهخحجد', 'شسيباتنمكط', 'ئءؤرلاىةوزظ']),
]);
// Look-alike and layout confusions typed in practice (Arabic/Persian letter forms, ё/е, і/и ...).
const CONFUSE = new Map(Object.entries({
  'ة': 'ه', 'ه': 'ة', 'ى': 'ي', 'ي': 'ی', 'ی': 'ي', 'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ا': 'أ', 'ک': 'ك',
  'ك': 'ک', 'ۍ': 'ی', 'ړ': 'ر', 'ټ': 'ت', 'ږ': 'ز',
  'ё': 'е', 'е': 'ё', 'й': 'и', 'и': 'і', 'і': 'и', 'є': 'е', 'ї': 'і', 'ь': 'ъ', 'г': 'ґ',
}));
const isLetter = ch => /\p{L}/u.test(ch);
const matchCase = (ch, like) => (like !== like.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase());

function neighbour(ch, rng) {
  const cp = ch.codePointAt(0);
  if (cp >= 0x1200 && cp <= 0x137f) {              // Ethiopic: same consonant, another vowel order
    const base = cp - ((cp - 0x1200) % 8);
    for (let t = 0; t < 4; t++) {
      const v = String.fromCodePoint(base + rng.int(7));
      if (v !== ch && isLetter(v)) return v;
    }
    return ch;
  }
  const lo = ch.toLowerCase();
  const conf = CONFUSE.get(lo);
  if (conf && rng.chance(0.5)) return matchCase(conf, ch);
  let nb = KBD.get(lo);
  if (!nb) nb = KBD.get(stripAccents(lo));
  if (!nb || !nb.length) return conf ? matchCase(conf, ch) : ch;
  return matchCase(nb[rng.int(nb.length)], ch);
}

// One typing error: insert, delete, substitute with a keyboard neighbour, or transpose.
function typo(s, rng) {
  const c = Array.from(s);
  const pos = [];
  for (let i = 0; i < c.length; i++) if (isLetter(c[i])) pos.push(i);
  if (pos.length === 0) return s;
  let op = rng.int(4);
  if (op === 1 && pos.length < 3) op = 2;
  switch (op) {
    case 0: {                                       // insert after a letter: doubled or fat-finger
      const i = pos[rng.int(pos.length)];
      const ins = rng.chance(0.5) ? c[i] : neighbour(c[i], rng);
      c.splice(i + 1, 0, i === 0 ? ins.toLowerCase() : ins);
      break;
    }
    case 1: {                                       // delete (rarely the first letter)
      const i = pos[rng.chance(0.9) ? 1 + rng.int(pos.length - 1) : 0];
      const wasUpper = c[i] !== c[i].toLowerCase();
      c.splice(i, 1);
      if (wasUpper && i < c.length && isLetter(c[i])) c[i] = c[i].toUpperCase();
      break;
    }
    case 2: {                                       // substitute with a neighbour key
      const i = pos[rng.int(pos.length)];
      c[i] = neighbour(c[i], rng);
      break;
    }
    default: {                                      // transpose two adjacent letters, keep case pattern
      const cand = [];
      for (let j = 0; j + 1 < pos.length; j++) if (pos[j + 1] === pos[j] + 1 && c[pos[j]] !== c[pos[j] + 1]) cand.push(pos[j]);
      if (!cand.length) { const i = pos[rng.int(pos.length)]; c[i] = neighbour(c[i], rng); break; }
      const i = cand[rng.int(cand.length)];
      const a = c[i], b = c[i + 1];
      c[i] = matchCase(b, a); c[i + 1] = matchCase(a, b);
    }
  }
  return c.join('');
}

// ------------------------------------------------------------------ persons

const PERSON_TAG = 0x50455253, RECORD_TAG = 0x5245434f, QUERY_TAG = 0x51554552, QPICK_TAG = 0x5150494b;
let SEED = 0;
const PR = new Rng(), RR = new Rng();

const P = {
  c: null, male: true, first: null, firstLi: 0, last: null, lastLi: 0, last2: null, last2Li: 0,
  father: null, fatherLi: 0, mother: null, motherLi: 0, dob: 0, doc: 0, country: 0, a1: 0, a2: 0, native: false,
};
function pickName(pool, rng, lang) {
  for (let t = 0; ; t++) {
    const e = pool.items[pickIdx(pool.cum, rng.f())];
    if (!e.lang || !lang || e.lang === lang || t >= 30) return e;
  }
}
const prefLi = (e, rng) => pickIdx(PREF_CUM[Math.min(e.lat.length, 8)], rng.f());

function makePerson(p) {
  const r = PR.seed(SEED, PERSON_TAG, p);
  const c = CULTURES[pickIdx(CULT_CUM, r.f())];
  P.c = c;
  P.male = r.f() < 0.5;
  const lang = c.uk ? (r.f() < c.uk ? 'uk' : 'ru') : null;
  P.first = pickName(P.male ? c.male : c.female, r, lang); P.firstLi = prefLi(P.first, r);
  P.father = pickName(c.male, r, lang);
  for (let t = 0; t < 3 && P.father === P.first; t++) P.father = pickName(c.male, r, lang);   // sons are rarely named after their father
  P.fatherLi = prefLi(P.father, r);
  P.mother = pickName(c.female, r, lang); P.motherLi = prefLi(P.mother, r);
  const kind = c.lastKinds[pickIdx(c.lastCum, r.f())];
  if (kind === 'family') {
    const fam = pickName(c.family, r, lang === 'ru' ? 'ru' : null);   // Ukrainians also bear -ов names
    P.last = !P.male && fam.fem ? fam.fem : fam; P.lastLi = prefLi(P.last, r);
  } else if (kind === 'father') {
    P.last = P.father; P.lastLi = P.fatherLi;    // patronymic: the father's given name, spelled alike
  } else {
    P.last = pickName(c.male, r, lang);                          // grandfather's given name
    if (P.last === P.father) P.last = pickName(c.male, r, lang);
    P.lastLi = prefLi(P.last, r);
  }
  if (c.maternal) { P.last2 = pickName(c.family, r); P.last2Li = prefLi(P.last2, r); } else P.last2 = null;
  P.dob = DOB_LO + r.int(DOB_HI - DOB_LO + 1);
  const u = r.f();
  P.doc = u < 0.85 ? 0 : u < 0.93 ? 1 : 2;        // 0 exact dob, 1 estimated, 2 unknown (age only)
  P.country = pickIdx(c.countryCum, r.f());
  P.a1 = pickIdx(A1_CUM, r.f());
  P.a2 = pickIdx(A2_CUM, r.f());
  P.native = c.nativeP > 0 && r.f() < c.nativeP;
}

// ------------------------------------------------------------------ records

const ERRORS = ['typo', 'swap', 'nick', 'translit', 'dob', 'dobmissing', 'parents', 'place', 'sex'];
const ERR_W = [22, 5, 12, 14, 12, 8, 10, 8, 2];
const ERR_TOTAL = ERR_W.reduce((a, b) => a + b, 0), ALL_ERRORS = (1 << ERRORS.length) - 1;
const errCount = new Float64Array(ERRORS.length + 1);   // stats: error kinds as applied (+ whole-script)

const fld = (e, nat, li) => ({ e, nat, li, txt: null, typo: false });
function render(x) {
  if (!x) return '';
  if (x.txt !== null) return x.txt;
  return x.nat && x.e.nat ? x.e.nat : x.e.lat[x.li < x.e.lat.length ? x.li : 0];
}
// Another spelling of the same name: switch script, or another transliteration. false if none.
function respell(x, rng) {
  const e = x.e;
  const canNat = e.nat !== null;
  if (canNat && x.nat) { x.nat = false; x.li = prefLi(e, rng); return true; }
  if (e.lat.length > 1 && (!canNat || rng.chance(0.5))) {
    const j = rng.int(e.lat.length - 1); x.li = j >= x.li ? j + 1 : j; return true;
  }
  if (canNat) { x.nat = true; return true; }
  return false;
}
const jitterAge = (a, p, rng) => (rng.chance(p) ? (a > 0 && rng.chance(0.5) ? a - 1 : a + 1) : a);
function estimatedDob(y, rec, rng) {
  let m = rng.chance(0.6) ? 1 : 7;
  for (; y >= 2000; y--) {
    if (daysFromCivil(y, m, 1) <= rec) return iso(y, m, 1);
    m = 1;
    if (daysFromCivil(y, 1, 1) <= rec) return iso(y, 1, 1);
  }
  return iso(2000, 1, 1);
}
function yearOff(y, m, d, rec, rng) {
  let yy = y + (rng.chance(0.5) ? 1 : -1);
  if (m === 2 && d === 29 && !leap(yy)) d = 28;
  if (daysFromCivil(yy, m, d) > rec) { yy = y - 1; if (m === 2 && d === 29 && !leap(yy)) d = 28; }
  return iso(yy, m, d);
}
const DIGIT_POS = [2, 3, 3, 5, 6, 6, 8, 9, 9];
function digitTypo(y, m, d, rec, rng) {
  const orig = iso(y, m, d);
  for (let t = 0; t < 12; t++) {
    const s = orig.split('');
    const i = DIGIT_POS[rng.int(DIGIT_POS.length)];
    let dg = rng.int(9); if (dg >= +s[i]) dg++;
    s[i] = String(dg);
    const str = s.join('');
    const yy = +str.slice(0, 4), mm = +str.slice(5, 7), dd = +str.slice(8, 10);
    if (yy < 2000 || mm < 1 || mm > 12 || dd < 1 || dd > daysIn(yy, mm)) continue;
    if (daysFromCivil(yy, mm, dd) > rec) continue;
    return str;
  }
  return yearOff(y, m, d, rec, rng);
}

function csv(s) {
  if (s.indexOf('"') >= 0) return '"' + s.replace(/"/g, '""') + '"';
  if (s.indexOf(',') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) return '"' + s + '"';
  return s;
}
function nonLatin(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x24f && !(c >= 0x300 && c <= 0x36f) && !(c >= 0x1e00 && c <= 0x1eff)) return true;
  }
  return false;
}

// Feistel permutation of 48-bit row numbers -> 12 hex chars (opaque, unique).
let FKEYS = [];
function rowId(i) {
  let L = Math.floor(i / 0x1000000) & 0xffffff, R = i % 0x1000000;
  for (let k = 0; k < 4; k++) { const t = R; R = (L ^ mix32((R ^ FKEYS[k]) >>> 0)) & 0xffffff; L = t; }
  return L.toString(16).padStart(6, '0') + R.toString(16).padStart(6, '0');
}

const stats = { names: 0, nonLatin: 0 };
let CLUSTER_W = 6;

// One CSV row for person p. isDup: apply 1-3 errors. (seedTag, sub) key the record's PRNG.
function makeRow(idNum, p, isDup, seedTag, sub) {
  makePerson(p);
  const c = P.c, r = RR.seed(SEED ^ seedTag, p, sub);
  const nat = P.native;
  const F = fld(P.first, nat, P.firstLi), L = fld(P.last, nat, P.lastLi);
  const L2 = P.last2 && r.chance(c.maternal) ? fld(P.last2, nat, P.last2Li) : null;
  let FA = r.chance(0.70) ? fld(P.father, nat, P.fatherLi) : null;
  let MO = r.chance(0.75) ? fld(P.mother, nat, P.motherLi) : null;

  let typos = 0, swap = false, doDob = false, doDobMissing = false, doPlace = false, doSex = false;
  if (isDup) {
    let ne = 1 + r.int(3);
    if (c.nativeP > 0 && r.chance(0.05)) {          // whole name written in the other script
      for (const x of [F, L, L2, FA, MO]) if (x && x.e.nat) { x.nat = !x.nat; if (!x.nat) x.li = prefLi(x.e, r); }
      errCount[ERRORS.length]++;
      ne--;
    }
    let used = 0, wsum = ERR_TOTAL;
    // draw distinct kinds by weight; a kind that does not apply to this person is redrawn
    while (ne > 0 && used !== ALL_ERRORS) {
      let u = r.f() * wsum, k = 0;
      for (; k < ERRORS.length; k++) { if (used & (1 << k)) continue; u -= ERR_W[k]; if (u < 0) break; }
      if (k >= ERRORS.length) k = ERRORS.findIndex((_, j) => !(used & (1 << j)));
      used |= 1 << k; wsum -= ERR_W[k];
      let ok = true;
      switch (ERRORS[k]) {
        case 'typo': typos++; break;
        case 'swap': swap = true; break;
        case 'nick': {
          const formal = F.e;
          if (!formal.nick) { ok = false; break; }
          const before = render(F);
          F.e = formal.nick[r.int(formal.nick.length)];
          F.li = prefLi(F.e, r);
          if (!F.e.nat) F.nat = false;
          if (!F.nat && r.chance(0.08)) F.txt = `${before} "${render(F)}"`;   // Aleksandr "Sasha"
          break;
        }
        case 'translit': {
          const x = r.chance(0.6) ? F : (L2 && r.chance(0.5) ? L2 : L);
          if (!respell(x, r) && !respell(x === F ? L : F, r)) ok = false;
          break;
        }
        case 'parents': {
          const which = FA && MO ? (r.chance(0.5) ? 'f' : 'm') : FA ? 'f' : MO ? 'm' : null;
          if (!which) { ok = false; break; }
          const x = which === 'f' ? FA : MO;
          const u2 = r.f();
          if (u2 < 0.5) { if (which === 'f') FA = null; else MO = null; }
          else if (u2 < 0.75 || !respell(x, r)) x.typo = true;
          break;
        }
        case 'dob': doDob = true; break;
        case 'dobmissing': if (P.doc === 2) ok = false; else doDobMissing = true; break;
        case 'place': doPlace = true; break;
        case 'sex': doSex = true; break;
      }
      if (ok) { errCount[k]++; ne--; }
    }
  }

  let first = render(F);
  let last = render(L) + (L2 ? ' ' + render(L2) : '');
  let father = render(FA), mother = render(MO);
  for (let t = 0; t < typos; t++) { if (r.chance(0.55)) first = typo(first, r); else last = typo(last, r); }
  if (FA && FA.typo) father = typo(father, r);
  if (MO && MO.typo) mother = typo(mother, r);
  if (swap) { const t = first; first = last; last = t; }

  // dates
  const rlo = Math.max(REC_LO, P.dob);
  const rec = rlo + r.int(REC_HI - rlo + 1);
  const tAge = ageAt(P.dob, rec);
  civil(P.dob); const y = CY, m = CM, d = CD;
  let dob = '', age = -1;
  if (P.doc === 0) { dob = iso(y, m, d); if (r.chance(0.3)) age = jitterAge(tAge, 0.05, r); }
  else if (P.doc === 1) { dob = estimatedDob(r.chance(0.25) ? y + (r.chance(0.5) ? 1 : -1) : y, rec, r); age = jitterAge(tAge, 0.1, r); }
  else age = jitterAge(tAge, 0.15, r);
  if (doDob) {
    if (dob === '') age = tAge > 0 && r.chance(0.5) ? tAge - 1 : tAge + 1;
    else {
      const u = r.f();
      if (u < 0.3) { dob = estimatedDob(y, rec, r); age = jitterAge(tAge, 0.1, r); }
      else if (u < 0.55) dob = yearOff(y, m, d, rec, r);
      else if (u < 0.75 && d <= 12 && d !== m && daysFromCivil(y, d, m) <= rec) dob = iso(y, d, m);   // 03-04 <-> 04-03
      else dob = digitTypo(y, m, d, rec, r);
    }
  }
  if (doDobMissing) { dob = ''; age = jitterAge(tAge, 0.2, r); }

  let place = placeCode(P.country, P.a1, P.a2);
  if (!isDup && r.chance(0.01)) place = '';
  if (doPlace) {
    if (r.chance(0.65)) { let a2 = r.int(ADMIN2 - 1); if (a2 >= P.a2) a2++; place = placeCode(P.country, P.a1, a2); }
    else place = '';
  }
  let sex = P.male ? 'male' : 'female';
  if (doSex || r.chance(0.015)) sex = '';

  // capitalisation as typed: mostly as written (Title Case), some ALL CAPS, some lower case
  const cu = r.f();
  if (cu < 0.05) { first = first.toUpperCase(); last = last.toUpperCase(); father = father.toUpperCase(); mother = mother.toUpperCase(); }
  else if (cu < 0.09) { first = first.toLowerCase(); last = last.toLowerCase(); father = father.toLowerCase(); mother = mother.toLowerCase(); }

  if (first) { stats.names++; if (nonLatin(first)) stats.nonLatin++; }
  if (last) { stats.names++; if (nonLatin(last)) stats.nonLatin++; }

  return rowId(idNum) + ',p' + String(p).padStart(CLUSTER_W, '0') + ',' + csv(first) + ',' + csv(last) + ',' +
    csv(father) + ',' + csv(mother) + ',' + sex + ',' + dob + ',' + (age >= 0 ? age : '') + ',' + isoDays(rec) + ',' + place;
}

// ------------------------------------------------------------------ main

function writeRows(path, count, rowFn) {
  const fd = fs.openSync(path, 'w');
  let chunk = HEADER + '\n';
  for (let i = 0; i < count; i++) {
    chunk += rowFn(i) + '\n';
    if (chunk.length >= 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  if (chunk) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

function main() {
  const t0 = process.hrtime.bigint();
  const args = parseArgs(process.argv.slice(2));
  const n = args.n;
  SEED = fnv1a('haven-link-gen:' + args.seed);
  FKEYS = [0, 1, 2, 3].map(k => mix32((SEED + Math.imul(k + 1, 0x9e3779b9)) >>> 0));

  // People and their record counts: 1/3 of people get 1-3 extra records; stop at exactly n rows.
  const main = new Rng().seed(SEED, 0x4d41494e, 0);
  const counts = new Uint8Array(n);
  let P_ = 0, total = 0, withDups = 0, pairs = 0;
  while (total < n) {
    let k = 1 + (main.chance(1 / 3) ? 1 + main.int(3) : 0);
    if (total + k > n) k = n - total;
    counts[P_++] = k; total += k;
    if (k > 1) { withDups++; pairs += k * (k - 1) / 2; }
  }
  CLUSTER_W = Math.max(6, String(P_ - 1).length);

  // Row slots (person << 2 | record number), shuffled (Fisher-Yates).
  const rows = new Uint32Array(n);
  for (let p = 0, j = 0; p < P_; p++) for (let k = 0; k < counts[p]; k++) rows[j++] = p * 4 + k;
  for (let i = n - 1; i > 0; i--) { const j = main.int(i + 1); const t = rows[i]; rows[i] = rows[j]; rows[j] = t; }

  writeRows(args.out, n, i => {
    const code = rows[i], p = Math.floor(code / 4), k = code % 4;
    return makeRow(i, p, k > 0, RECORD_TAG, k);
  });
  const mainStats = { ...stats };
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const share = mainStats.names ? (100 * mainStats.nonLatin / mainStats.names) : 0;
  process.stderr.write(
    `gen: rows=${n} people=${P_} people_with_duplicates=${withDups} true_pairs=${pairs} ` +
    `non_latin_names=${share.toFixed(1)}% (${mainStats.nonLatin}/${mainStats.names}) seconds=${secs.toFixed(2)} ` +
    `seed=${args.seed} out=${args.out}\n`);
  const dupRecs = n - P_;
  if (dupRecs > 0) {
    const parts = ERRORS.map((e, i) => `${e}=${(100 * errCount[i] / dupRecs).toFixed(1)}%`);
    parts.push(`whole_script=${(100 * errCount[ERRORS.length] / dupRecs).toFixed(1)}%`);
    process.stderr.write(`gen: duplicate records=${dupRecs}, share with each error: ${parts.join(' ')}\n`);
  }

  if (args.queries > 0) {
    const t1 = process.hrtime.bigint();
    const qr = new Rng().seed(SEED, QPICK_TAG, 0);
    let matches = 0;
    stats.names = 0; stats.nonLatin = 0;
    writeRows(args.queriesOut, args.queries, q => {
      const p = qr.int(P_);
      matches += counts[p];
      return makeRow(n + q, p, true, QUERY_TAG, q);
    });
    const qs = Number(process.hrtime.bigint() - t1) / 1e9;
    process.stderr.write(
      `gen: queries=${args.queries} true_matches_in_base=${matches} ` +
      `non_latin_names=${(100 * stats.nonLatin / Math.max(1, stats.names)).toFixed(1)}% seconds=${qs.toFixed(2)} out=${args.queriesOut}\n`);
  }
}

main();
