#include "stages/text/language_id_malay_indonesian.h"

#include "stages/text/language_id_malay_indonesian_model.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>

namespace sluice {

namespace {

enum class Side { kIndonesian, kMalay };

// Words common in Indonesian and rare in Malaysian Malay. Pairs are usually
// listed with their Malay counterpart in kMalayOnly at the same line.
constexpr std::string_view kIndonesianOnly[] = {
    "karena", "bahwa", "yaitu", "saja", "bisa", "silakan", "berhasil", "nomor", "uang",
    "berbeda", "perbedaan", "rusak", "menit", "detik", "mencoba", "coba", "dicoba",
    "bagian", "sebagian", "setelah", "sesudah", "pribadi", "niscaya", "senantiasa",
    "kesehatan", "sehat", "berpikir", "pikiran", "istirahat", "kewajiban", "internasional",
    "perbudakan", "penyiksaan", "pengadilan", "pidana", "pemerintah", "pernikahan", "perkawinan", "kawin",
    "surga", "setan", "hewan", "alquran", "shalat", "salat", "tobat", "apakah",
    "berkas", "unduh", "mengunduh", "diunduh", "unggah", "mengunggah", "diunggah", "perangkat", "jendela",
    "pesan", "ukuran", "layar", "otomatis", "koneksi", "jaringan", "standar", "tanggal",
    "tampilan", "menampilkan", "ditampilkan", "tampilkan", "sandi", "dukungan", "mendukung", "didukung",
    "pengaturan", "temukan", "menemukan", "ditemukan", "tombol", "kolom", "surel", "peramban", "memuat",
    "dimuat", "akun", "mengirim", "dikirim", "kirim", "antarmuka", "diperbarui", "memperbarui", "pembaruan",
    "perbarui", "terjadi", "lainnya", "misalnya", "kalian", "mau", "efisien", "kode", "proyek", "kantor",
    "karakter", "sertifikat", "gratis", "kendaraan", "perusahaan",
    "mahabijaksana", "mahaperkasa", "mahamengetahui", "mahapengampun", "mahapenyayang", "mahamendengar",
    "mahamelihat", "mahatinggi", "mahasuci", "mahabesar", "mahakuasa", "mahateliti", "mahaesa", "mahaagung",
    "mahakaya", "mahaterpuji", "mahalembut", "mahahalus", "mahaluas", "mahapemurah",
};

// Words common in Malaysian Malay and rare in Indonesian.
constexpr std::string_view kMalayOnly[] = {
    "kerana", "bahawa", "iaitu", "sahaja", "sila", "berjaya", "nombor", "wang",
    "berbeza", "perbezaan", "rosak", "minit", "cuba", "mencuba", "dicuba",
    "bahagian", "sebahagian", "selepas", "semasa", "peribadi", "persendirian", "nescaya", "sentiasa",
    "kesihatan", "sihat", "berfikir", "fikiran", "rehat", "kewajipan", "antarabangsa",
    "perhambaan", "penyeksaan", "mahkamah", "jenayah", "perkahwinan", "kahwin", "berkahwin",
    "syurga", "syaitan", "haiwan", "solat", "sembahyang", "ibadat", "samada",
    "fail", "peranti", "tetingkap", "ralat", "mesej", "saiz", "skrin", "automatik", "piawai", "tarikh",
    "paparan", "papar", "dipaparkan", "memaparkan", "laluan", "padam", "dipadam", "sokongan", "menyokong",
    "disokong", "tetapan", "butang", "lajur", "akaun", "hantar", "dihantar", "menghantar", "kemaskini",
    "senarai", "sesiapa", "sebarang", "awam", "perkhidmatan", "maklumat", "tiada", "mahu", "baharu",
    "pertubuhan", "percuma", "kenderaan", "syarikat", "ubahsuai", "nyahpasang", "cakera", "pemacu", "sijil",
    "kod", "projek", "pejabat", "aksara", "rentetan", "wujud", "cekap", "imej", "kekunci", "tetikus",
    "pautan", "perenggan", "mengandungi", "opsyen", "jadual", "sempadan",
    "kualiti", "aktiviti", "universiti", "komuniti", "prioriti", "identiti", "kapasiti", "fasiliti",
    "integriti", "sekuriti", "utiliti", "entiti", "realiti",
};

const std::unordered_map<std::string_view, Side>& Markers() {
  static const auto* markers = [] {
    auto* m = new std::unordered_map<std::string_view, Side>();
    for (std::string_view w : kIndonesianOnly) m->emplace(w, Side::kIndonesian);
    for (std::string_view w : kMalayOnly) m->emplace(w, Side::kMalay);
    return m;
  }();
  return *markers;
}

bool IsAsciiLetter(unsigned char b) { return (b | 0x20) >= 'a' && (b | 0x20) <= 'z'; }

// Calls fn(begin, end) for every maximal run of ASCII letters in `utf8`.
template <typename Fn>
void ForEachAsciiLetterRun(std::string_view utf8, Fn&& fn) {
  size_t i = 0;
  while (i < utf8.size()) {
    if (!IsAsciiLetter(static_cast<unsigned char>(utf8[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < utf8.size() && IsAsciiLetter(static_cast<unsigned char>(utf8[j]))) ++j;
    fn(i, j);
    i = j;
  }
}

}  // namespace

MalayIndonesianVotes CountMalayIndonesianMarkers(std::string_view utf8) {
  MalayIndonesianVotes v;
  const auto& markers = Markers();
  std::string word;
  ForEachAsciiLetterRun(utf8, [&](size_t i, size_t j) {
    // A letter run glued to a non-ASCII byte is part of a longer word: skip it.
    bool clean = (i == 0 || static_cast<unsigned char>(utf8[i - 1]) < 0x80) &&
                 (j == utf8.size() || static_cast<unsigned char>(utf8[j]) < 0x80);
    if (!clean || j - i < 3 || j - i > 16) return;
    word.assign(utf8.data() + i, j - i);
    for (char& ch : word) ch = static_cast<char>(ch | 0x20);
    auto it = markers.find(word);
    if (it != markers.end()) {
      (it->second == Side::kIndonesian ? v.indonesian : v.malay) += 1;
    } else if (word.size() >= 6 && word.compare(word.size() - 4, 4, "itas") == 0) {
      v.indonesian += 1;  // kualitas, aktivitas, universitas (Malay: -iti)
    }
  });
  return v;
}

int64_t MalayIndonesianModelScore(std::string_view utf8) {
  const uint32_t mask = (uint32_t{1} << kIdMsHashBits) - 1;
  int64_t score = 0;
  std::string padded;
  ForEachAsciiLetterRun(utf8, [&](size_t i, size_t j) {
    padded.assign(1, ' ');
    for (size_t k = i; k < j; ++k) padded.push_back(static_cast<char>(utf8[k] | 0x20));
    padded.push_back(' ');
    for (size_t n = 4; n <= 5; ++n) {
      for (size_t s = 0; s + n <= padded.size(); ++s) {
        uint32_t h = 2166136261u;  // FNV-1a
        for (size_t k = s; k < s + n; ++k) h = (h ^ static_cast<unsigned char>(padded[k])) * 16777619u;
        score += kIdMsWeights[h & mask];
      }
    }
  });
  return score;
}

std::string_view ResolveMalayIndonesian(std::string_view cld2_code, const MalayIndonesianVotes& votes,
                                        int64_t model_score) {
  if (votes.indonesian > votes.malay) return "id";
  if (votes.malay > votes.indonesian) return "ms";
  if (model_score > 0) return "id";
  if (model_score < 0) return "ms";
  return cld2_code;
}

}  // namespace sluice
