#include "conformance/harness.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include "conformance/gzip.h"
#include "conformance/json.h"
#include "conformance/test_case.h"

namespace pxos::conformance {
namespace {

namespace fs = std::filesystem;

// What metadata.json says about one vector file.
struct Meta {
  std::string status;
  uint16_t mask = 0xFFFF;
  std::map<int, std::string> reg_status;  // a file without a reg suffix for a group opcode (8F, C6, C7)
};

Meta lookup_meta(const Json& meta, const std::string& file) {
  Meta m;
  m.status = "unknown";
  const Json* ops = meta.get("opcodes");
  if (!ops) return m;
  std::string stem = file.substr(0, file.find(".jsonl"));
  std::string op = stem, reg;
  if (auto dot = stem.find('.'); dot != std::string::npos) op = stem.substr(0, dot), reg = stem.substr(dot + 1);
  const Json* o = ops->get(op);
  if (!o) return m;
  auto apply = [&](const Json* j) {
    if (!j) return;
    if (const Json* s = j->get("status")) m.status = s->str;
    if (const Json* f = j->get("flags-mask")) m.mask = uint16_t(f->i());
  };
  apply(o);
  if (const Json* r = o->get("reg")) {
    if (!reg.empty()) {
      apply(r->get(reg));
    } else {
      for (const auto& [k, v] : r->obj)
        if (const Json* st = v.get("status")) m.reg_status[std::atoi(k.c_str())] = st->str;
      m.status = "by-reg";
    }
  }
  return m;
}

// The status of test t: its file's, or for a group opcode's file by the ModRM reg field of its bytes.
std::string test_status(const Meta& m, const Json& t) {
  if (m.reg_status.empty()) return m.status;
  const Json* b = t.get("bytes");
  if (!b) return "unknown";
  size_t k = 0;
  auto is_prefix = [](int x) {
    return x == 0x26 || x == 0x2E || x == 0x36 || x == 0x3E || x == 0xF0 || x == 0xF2 || x == 0xF3;
  };
  while (k < b->arr.size() && is_prefix(int(b->arr[k].i()))) ++k;
  if (k + 1 >= b->arr.size()) return "unknown";
  auto it = m.reg_status.find(int(b->arr[k + 1].i() >> 3) & 7);
  return it != m.reg_status.end() ? it->second : "unknown";
}

// The vector files of dir whose names start with `only`, sorted.
std::vector<std::string> vector_files(const std::string& dir, const std::string& only) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() > 9 && name.ends_with(".jsonl.gz") && name.starts_with(only)) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

Json read_metadata(const std::string& dir, std::ostream* out) {
  Json meta;
  std::ifstream f(fs::path(dir) / "metadata.json");
  std::stringstream ss;
  ss << f.rdbuf();
  if (!parse_json(ss.str(), meta) && out) *out << "warning: no readable metadata.json in " << dir << "\n";
  return meta;
}

// Counts one test's outcome (`why`: empty when it passed; `dev`: its documented deviation) in its file.
void count(ConformanceFile& cf, ConformanceReport& rep, const Json& t, const std::string& status,
           const std::string& why, const std::string& dev) {
  if (status == "normal") {
    ++cf.gated_total;
    if (why.empty())
      ++cf.gated_passed;
    else if (!dev.empty())
      ++cf.gated_deviations;
  }
  if (why.empty()) {
    ++cf.passed;
  } else if (!dev.empty()) {
    ++cf.failed;
    ++cf.deviations;
    ++rep.deviations[dev];
    if (cf.failures.size() < 5) cf.failures.push_back("(deviation " + dev + ") " + why);
  } else {
    ++cf.failed;
    if (cf.failures.size() < 5) {
      const Json* n = t.get("name");
      const Json* h = t.get("hash");
      cf.failures.push_back((n ? n->str : "?") + " [" + (h ? h->str.substr(0, 8) : "") + "]: " + why);
    }
  }
}

// Runs every test (one JSON object a line) of one vector file.
ConformanceFile run_file(TestRunner& runner, const std::string& dir, const std::string& name, const Json& meta,
                         ConformanceReport& rep) {
  ConformanceFile cf;
  cf.file = name;
  Meta m = lookup_meta(meta, name);
  cf.status = m.status;
  std::string text;
  if (!read_gz((fs::path(dir) / name).string(), text)) {
    cf.failed = 1;
    cf.failures.push_back("cannot read/decompress");
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    Json t;
    std::string why, dev;
    if (!parse_json(line, t))
      why = "unparsable test line";
    else
      why = runner.run(t, m.mask, name.substr(0, 2), dev);
    count(cf, rep, t, test_status(m, t), why, dev);
  }
  return cf;
}

void print_file(const ConformanceFile& cf, bool ok, bool verbose, std::ostream& out) {
  char line[200];
  char devs[64] = "";
  if (cf.deviations)
    std::snprintf(devs, sizeof devs, " (%llu documented deviations)", (unsigned long long)cf.deviations);
  std::snprintf(line, sizeof line, "%-16s %-13s %5llu/%-5llu %7.2f%%  %s%s\n", cf.file.c_str(), cf.status.c_str(),
                (unsigned long long)cf.passed, (unsigned long long)(cf.passed + cf.failed), 100.0 * cf.rate(),
                cf.gated() ? (ok ? "PASS" : "FAIL") : (cf.failed ? "not gated" : "ok"), devs);
  out << line;
  if (verbose)
    for (const std::string& f : cf.failures) out << "    " << f << "\n";
}

void print_summary(const ConformanceReport& rep, std::ostream& out) {
  for (const auto& [k, n] : rep.deviations) out << "documented deviation " << k << ": " << n << " tests\n";
  out << "threshold (" << kConformanceThreshold * 100
      << " % of every `normal` file, documented deviations excluded): " << (rep.threshold_met ? "met" : "NOT met")
      << "\n";
  out << rep.passed << " passed, " << rep.failed << " failed\n";
}

}  // namespace

ConformanceReport run_conformance(const std::string& dir, std::ostream* out, bool verbose, const std::string& only) {
  ConformanceReport rep;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    rep.error = "not a directory: " + dir;
    rep.threshold_met = false;
    return rep;
  }
  std::vector<std::string> files = vector_files(dir, only);
  if (files.empty()) {
    rep.error = "no " + only + "*.jsonl.gz vector files in " + dir;
    rep.threshold_met = false;
    return rep;
  }
  Json meta = read_metadata(dir, out);
  auto runner = std::make_unique<TestRunner>();
  for (const std::string& name : files) {
    ConformanceFile cf = run_file(*runner, dir, name, meta, rep);
    rep.passed += cf.passed;
    rep.failed += cf.failed;
    bool ok = !cf.gated() || cf.gate_rate() >= kConformanceThreshold;
    if (!ok) rep.threshold_met = false;
    if (out) print_file(cf, ok, verbose, *out);
    rep.files.push_back(std::move(cf));
  }
  if (out) print_summary(rep, *out);
  return rep;
}

}  // namespace pxos::conformance
