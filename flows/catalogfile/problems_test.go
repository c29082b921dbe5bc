package catalogfile

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// problemCase is a file and the problems it must give, as "row key" with the key's
// "impor." left out. The locale test renders every problem these cases give.
type problemCase struct {
	name, file string
	data       []byte
	want       []string
}

func problemCases(t testing.TB) []problemCase {
	ok := validRow()
	daring := validRow("metode", "daring", "lokasi", "", "tautan_daring", "https://zoom.us/j/1")
	second := validRow("angkatan", "Angkatan II")
	many := make([]map[string]string, 60)
	for i := range many {
		many[i] = validRow("angkatan", fmt.Sprintf("Angkatan %d", i+1), "kuota", "nol")
	}
	return []problemCase{
		// The whole file.
		{"unsupported extension", "katalog.xls", csvOf(ok), []string{"0 format_tidak_didukung"}},
		{"over 5 MB", "katalog.csv", bytes.Repeat([]byte("a"), MaxFileSize+1), []string{"0 terlalu_besar"}},
		{"empty", "katalog.csv", nil, []string{"0 berkas_kosong"}},
		{"only a BOM and blank lines", "katalog.csv", []byte("\uFEFF\r\n\r\n"), []string{"0 berkas_kosong"}},
		{"header only", "katalog.csv", csvOf(), []string{"0 tanpa_baris"}},
		{"header only after blank rows", "katalog.csv", append([]byte(",,,\r\n"), csvOf()...), []string{"0 tanpa_baris"}},
		{"unbalanced quote", "katalog.csv", append(csvOf(ok), "TEK-X,Judul \"kutip,Teknis\n"...), []string{"3 csv_rusak"}},
		{"not a workbook", "katalog.xlsx", []byte("PK this is not a zip"), []string{"0 berkas_rusak"}},
		{"too many problems", "katalog.csv", csvOf(many...), append(repeat("kuota_tidak_sah", 2, 49), "0 terlalu_banyak")},

		// Columns.
		{"missing column", "katalog.csv", csvWith(without(testColumns, "kuota"), ok), []string{"1 kolom_hilang"}},
		{"unknown column", "katalog.csv", csvWith(append(testColumns, "Keterangan"), ok), []string{"1 kolom_tidak_dikenal"}},
		{"typo in a column", "katalog.csv", csvWith(append(without(testColumns, "judul"), "judull"), ok),
			[]string{"1 kolom_hilang", "1 kolom_tidak_dikenal"}},
		{"attendance not a percent", "katalog.csv", csvOf(with(ok, "min_kehadiran", "sebagian")), []string{"2 min_kehadiran_tidak_sah"}},
		{"a landline for WhatsApp", "katalog.csv", csvOf(with(ok, "kontak_wa", "(024) 555-1234")), []string{"2 kontak_wa_tidak_sah"}},
		{"doubled column", "katalog.csv", csvWith(append(testColumns, "JP"), ok), []string{"1 kolom_ganda"}},
		{"cell under no header", "katalog.csv", append(csvOf(), (strings.TrimSuffix(string(csvOf(ok)[len(csvOf()):]), "\n") + ",,extra\n")...),
			[]string{"2 sel_tanpa_kolom"}},
		{"course fields disagree", "katalog.csv", csvOf(ok, with(second, "judul", "Anjab")), []string{"3 beda_isian"}},
		{"method disagrees", "katalog.csv", csvOf(ok, with(second, "metode", "daring", "tautan_daring", "https://x.id")), []string{"3 beda_isian"}},

		// Fields.
		{"missing code", "katalog.csv", csvOf(with(ok, "kode", "")), []string{"2 wajib_diisi"}},
		{"missing title", "katalog.csv", csvOf(with(ok, "judul", " ")), []string{"2 wajib_diisi"}},
		{"missing category", "katalog.csv", csvOf(with(ok, "kategori", "")), []string{"2 wajib_diisi"}},
		{"missing batch name", "katalog.csv", csvOf(with(ok, "angkatan", "")), []string{"2 wajib_diisi"}},
		{"missing method", "katalog.csv", csvOf(with(ok, "metode", "")), []string{"2 wajib_diisi"}},
		{"missing dates", "katalog.csv", csvOf(with(ok, "mulai", "", "pendaftaran_ditutup", "")), []string{"2 wajib_diisi", "2 wajib_diisi"}},
		{"code with a space", "katalog.csv", csvOf(with(ok, "kode", "TEK ANJAB")), []string{"2 kode_tidak_sah"}},
		{"code too long", "katalog.csv", csvOf(with(ok, "kode", strings.Repeat("A", 21))), []string{"2 kode_tidak_sah"}},
		{"code too short", "katalog.csv", csvOf(with(ok, "kode", "A")), []string{"2 kode_tidak_sah"}},
		{"unknown method", "katalog.csv", csvOf(with(ok, "metode", "tatap muka")), []string{"2 metode_tidak_dikenal"}},
		{"jp zero", "katalog.csv", csvOf(with(ok, "jp", "0")), []string{"2 jp_tidak_sah"}},
		{"jp fraction", "katalog.csv", csvOf(with(ok, "jp", "32,5")), []string{"2 jp_tidak_sah"}},
		{"jp over 1000", "katalog.csv", csvOf(with(ok, "jp", "1001")), []string{"2 jp_tidak_sah"}},
		{"quota with a thousands dot", "katalog.csv", csvOf(with(ok, "kuota", "1.000")), []string{"2 kuota_tidak_sah"}},
		{"quota over 10000", "katalog.csv", csvOf(with(ok, "kuota", "10001")), []string{"2 kuota_tidak_sah"}},
		{"quota negative", "katalog.csv", csvOf(with(ok, "kuota", "-3")), []string{"2 kuota_tidak_sah"}},
		{"survey id with spaces", "katalog.csv", csvOf(with(ok, "survei", "Survei Saya")), []string{"2 survei_tidak_sah"}},
		{"nine trainers", "katalog.csv", csvOf(with(ok, "pengajar", "a;b;c;d;e;f;g;h;i")), []string{"2 pengajar_terlalu_banyak"}},
		{"a trainer's name too long", "katalog.csv", csvOf(with(ok, "pengajar", strings.Repeat("n", 81))), []string{"2 terlalu_panjang"}},
		{"unreadable date", "katalog.csv", csvOf(with(ok, "mulai", "besok pagi")), []string{"2 tanggal_tidak_terbaca"}},
		{"impossible date", "katalog.csv", csvOf(with(ok, "selesai", "31/02/2027 16:00")), []string{"2 tanggal_tidak_terbaca"}},
		{"month/day/year", "katalog.csv", csvOf(with(ok, "mulai", "01/25/2027 08:00")), []string{"2 tanggal_tidak_terbaca"}},
		{"end before start", "katalog.csv", csvOf(with(ok, "selesai", "2027-01-11 16:00")), []string{"2 selesai_sebelum_mulai"}},
		{"end at start", "katalog.csv", csvOf(with(ok, "selesai", "2027-01-12 08.00")), []string{"2 selesai_sebelum_mulai"}},
		{"registration closes before it opens", "katalog.csv", csvOf(with(ok, "pendaftaran_ditutup", "2026-11-30")), []string{"2 pendaftaran_terbalik"}},
		{"registration closes after the start", "katalog.csv", csvOf(with(ok, "pendaftaran_ditutup", "2027-01-12 09:00")), []string{"2 pendaftaran_setelah_mulai"}},
		{"registration closes at the start", "katalog.csv", csvOf(with(ok, "pendaftaran_ditutup", "2027-01-12 08:00")), nil},
		{"unknown zone", "katalog.csv", csvOf(with(ok, "zona", "CET")), []string{"2 zona_tidak_dikenal"}},
		{"daring without a link", "katalog.csv", csvOf(with(daring, "tautan_daring", "")), []string{"2 tautan_wajib"}},
		{"blended without a link", "katalog.csv", csvOf(with(ok, "metode", "Blended")), []string{"2 tautan_wajib"}},
		{"klasikal without a place", "katalog.csv", csvOf(with(ok, "lokasi", "")), []string{"2 lokasi_wajib"}},
		{"daring without a place", "katalog.csv", csvOf(daring), nil},
		{"link without scheme", "katalog.csv", csvOf(with(daring, "tautan_daring", "zoom.us/j/1")), []string{"2 tautan_tidak_sah"}},
		{"link not http", "katalog.csv", csvOf(with(daring, "tautan_daring", "ftp://files.example/x")), []string{"2 tautan_tidak_sah"}},
		{"duplicate batch", "katalog.csv", csvOf(ok, second, with(second, "angkatan", "angkatan  ii")), []string{"4 angkatan_ganda"}},
		{"title too long", "katalog.csv", csvOf(with(ok, "judul", strings.Repeat("é", 151))), []string{"2 terlalu_panjang"}},
		{"title at its limit", "katalog.csv", csvOf(with(ok, "judul", strings.Repeat("é", 150))), nil},
		{"category too long", "katalog.csv", csvOf(with(ok, "kategori", strings.Repeat("k", 31))), []string{"2 terlalu_panjang"}},
		{"batch name too long", "katalog.csv", csvOf(with(ok, "angkatan", strings.Repeat("A", 41))), []string{"2 terlalu_panjang"}},
		{"description too long", "katalog.csv", csvOf(with(ok, "deskripsi", strings.Repeat("d", 2001))), []string{"2 terlalu_panjang"}},
		{"unknown published value", "katalog.csv", csvOf(with(ok, "terbit", "mungkin")), []string{"2 terbit_tidak_sah"}},
		{"every problem of a row, and of the next", "katalog.csv",
			csvOf(with(ok, "metode", "tatap muka", "jp", "x", "kuota", "0"), with(second, "kode", "", "mulai", "kemarin")),
			[]string{"2 metode_tidak_dikenal", "2 jp_tidak_sah", "2 kuota_tidak_sah", "3 wajib_diisi", "3 tanggal_tidak_terbaca"}},

		// Rows as the admin's spreadsheet numbers them.
		{"csv rows count blank lines, not lines inside a cell", "katalog.csv",
			append(csvOf(with(ok, "deskripsi", "baris satu\nbaris dua")), ("\n" + strings.SplitN(string(csvOf(with(second, "deskripsi", "", "kuota", "x"))), "\n", 2)[1])...),
			[]string{"4 kuota_tidak_sah"}},
		{"xlsx rows count blank rows", "katalog.xlsx",
			xlsxOf(t, [][]any{headerCells(), xlsxRow(ok, wib), nil, xlsxRow(with(second, "kuota", "0"), wib)}),
			[]string{"4 kuota_tidak_sah"}},
		{"xlsx date cell in the wrong order", "katalog.xlsx",
			xlsxOf(t, [][]any{headerCells(), xlsxRow(with(ok, "selesai", "2027-01-10 08:00"), wib)}),
			[]string{"2 selesai_sebelum_mulai"}},
		{"xlsx unknown column", "katalog.xlsx",
			xlsxOf(t, [][]any{append(headerCells(), "keterangan"), xlsxRow(ok, wib)}),
			[]string{"1 kolom_tidak_dikenal"}},
		{"xlsx text date that cannot be read", "katalog.xlsx",
			xlsxOf(t, [][]any{headerCells(), xlsxRow(with(ok, "mulai", "12 Jan"), wib)}),
			[]string{"2 tanggal_tidak_terbaca"}},

		// Caps, checked while reading (caps_test.go checks what they save).
		{"rows past MaxRows", "katalog.csv", csvOf(slices.Repeat([]map[string]string{ok}, MaxRows)...), []string{"0 terlalu_banyak_baris"}},
		{"csv cell past MaxColumns", "katalog.csv", append(csvOf(ok), (strings.Repeat(",", MaxColumns) + "x\n")...), []string{"3 terlalu_banyak_kolom"}},
		{"xlsx cell at the last column", "katalog.xlsx", xlsxFarCell(t, 1), []string{"2 terlalu_banyak_kolom"}},
		{"yaml with too many nodes", "katalog.yaml", []byte("pelatihan: [" + strings.Repeat("a,", maxYAMLNodes) + "a]\n"), []string{"0 yaml_terlalu_banyak"}},
		{"read past the caller's deadline", lateFile, csvOf(ok), []string{"0 terlalu_lama"}},

		// YAML.
		{"yaml syntax", "katalog.yaml", []byte("pelatihan:\n  - kode: A\n   judul: x\n"), []string{"1 yaml_rusak"}},
		{"yaml syntax further down", "katalog.yaml", yamlOf(yamlHead, []string{"    sasaran: : PNS"}), []string{"8 yaml_rusak"}},
		{"yaml without pelatihan", "katalog.yml", []byte("kursus:\n  - kode: A\n"), []string{"0 yaml_tanpa_pelatihan", "1 isian_tidak_dikenal"}},
		{"yaml list at the root", "katalog.yaml", []byte("- kode: A\n"), []string{"0 yaml_tanpa_pelatihan"}},
		{"yaml empty pelatihan", "katalog.yaml", []byte("pelatihan:\n"), []string{"0 tanpa_baris"}},
		{"yaml only comments", "katalog.yaml", []byte("# nanti\n"), []string{"0 berkas_kosong"}},
		{"yaml pelatihan not a list", "katalog.yaml", []byte("pelatihan: semua\n"), []string{"1 yaml_daftar"}},
		{"yaml course not a mapping", "katalog.yaml", []byte("pelatihan:\n  - TEK-ANJAB\n"), []string{"2 yaml_butir"}},
		{"yaml angkatan not a list", "katalog.yaml", yamlOf(yamlHead, []string{"    angkatan: Angkatan I"}), []string{"8 yaml_daftar"}},
		{"yaml batch not a mapping", "katalog.yaml", yamlOf(yamlHead, []string{"    angkatan:", "      - Angkatan I"}), []string{"9 yaml_butir"}},
		{"yaml course with empty batches", "katalog.yaml", yamlOf(yamlHead, []string{"    angkatan: []"}), []string{"2 tanpa_angkatan"}},
		{"yaml course without batches", "katalog.yaml", yamlOf(yamlHead), []string{"2 tanpa_angkatan"}},
		{"yaml list as a value", "katalog.yaml", yamlOf(yamlHead, []string{"    sasaran: [PNS, PPPK]"}, yamlBatch), []string{"8 yaml_nilai"}},
		{"yaml unknown course key", "katalog.yaml", yamlOf(yamlHead, []string{"    biaya: 0"}, yamlBatch), []string{"8 isian_tidak_dikenal"}},
		{"yaml unknown batch key", "katalog.yaml", yamlOf(yamlHead, yamlBatch, []string{"        ruang: 101"}), []string{"16 isian_tidak_dikenal"}},
		{"yaml key twice", "katalog.yaml", yamlOf(yamlHead, []string{"    Judul: Lagi"}, yamlBatch), []string{"8 isian_ganda"}},
		{"yaml code twice", "katalog.yaml", yamlOf(yamlHead, yamlBatch, yamlHead, yamlBatch), []string{"16 kode_ganda"}},
		{"yaml field problem on its own line", "katalog.yaml", yamlOf(yamlHead, yamlBatch, []string{"        zona: WITB"}), []string{"16 zona_tidak_dikenal"}},
		{"yaml missing field on the batch's line", "katalog.yaml", yamlOf(yamlHead, slices.Delete(slices.Clone(yamlBatch), 5, 6)),
			[]string{"9 wajib_diisi"}},
		{"yaml valid", "katalog.yaml", yamlOf(yamlHead, yamlBatch), nil},
	}
}

// repeat gives n "row key" lines for rows first, first+1, ...
func repeat(key string, first, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%d %s", first+i, key)
	}
	return out
}

// yamlHead is a course without its batches, on lines 2-7 of a file made by yamlOf.
var yamlHead = []string{"  - kode: TEK-ANJAB", "    judul: Analisis Jabatan", "    kategori: Teknis",
	"    metode: klasikal", "    jp: 32", "    deskripsi: Menyusun uraian jabatan."}

// yamlBatch is a course's list of one valid batch, 8 lines; the item is its second line.
var yamlBatch = []string{"    angkatan:", "      - nama: Angkatan I", "        mulai: 2027-01-12 08:00",
	"        selesai: 2027-01-15 16:00", "        lokasi: BPSDM, Bandung", "        kuota: 30",
	"        pendaftaran_dibuka: 2026-12-01", "        pendaftaran_ditutup: 2027-01-05"}

// yamlOf makes a file of "pelatihan:" and the lines given.
func yamlOf(parts ...[]string) []byte {
	var b strings.Builder
	b.WriteString("pelatihan:\n")
	for _, p := range parts {
		for _, l := range p {
			b.WriteString(l + "\n")
		}
	}
	return []byte(b.String())
}

// lateFile is the name of a case read with a context already done, as when the update's time
// runs out while its file is read.
const lateFile = "katalog-terlambat.csv"

func (tc problemCase) context() context.Context {
	if tc.file != lateFile {
		return context.Background()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range problemCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			courses, problems := Parse(tc.context(), tc.file, tc.data, wib)
			got := make([]string, len(problems))
			for i, p := range problems {
				got[i] = fmt.Sprintf("%d %s", p.Row, strings.TrimPrefix(p.Key, "impor."))
			}
			if diff := cmp.Diff(tc.want, got, cmpSorted); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nall: %+v", diff, problems)
			}
			if len(problems) > 0 && courses != nil {
				t.Errorf("a rejected file gave %d courses: the caller must get none", len(courses))
			}
			if len(problems) == 0 && len(courses) == 0 {
				t.Error("no problems and no courses")
			}
		})
	}
}

// cmpSorted compares problem lists as sets with repeats: within a row, their order is
// the code's, not something an admin relies on.
var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
})

// TestProblemsCapped checks the cap keeps the first rows, which an admin fixes first.
func TestProblemsCapped(t *testing.T) {
	t.Parallel()
	rows := make([]map[string]string, 200)
	for i := range rows {
		rows[i] = validRow("angkatan", fmt.Sprintf("A%d", i), "jp", "x", "kuota", "x", "mulai", "x")
	}
	_, problems := Parse(context.Background(), "k.csv", csvOf(rows...), time.UTC)
	if len(problems) != MaxProblems || problems[0].Row != 2 || problems[MaxProblems-1].Key != "impor.terlalu_banyak" {
		t.Fatalf("got %d problems, first row %d, last %q", len(problems), problems[0].Row, problems[len(problems)-1].Key)
	}
}
