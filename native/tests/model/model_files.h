// The test side of a model folder, without Java: a small JSON reader (enough for config.json,
// golden.json and safetensors headers), config.json → nt_config as the Java runtime fills it
// (config/ConfigReader.java, then nativeapi/NativeModel.toNative), the safetensors headers →
// nt_tensor_desc (one model.safetensors or the shards of model.safetensors.index.json), and the
// float32 / int64 tensors of golden.safetensors read into vectors. Validation is left to Java and to
// the core's own re-checks; what this reader cannot make sense of throws std::runtime_error naming the file.
#pragma once
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "nemotron/nemotron.h"

namespace nemotron::test {

// ---- JSON ----------------------------------------------------------------------------------------

struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0.0;
  bool integral = false;  // a number written without fraction or exponent (Python's int)
  std::string text;
  std::vector<Json> items;                           // kArray
  std::vector<std::pair<std::string, Json>> members;  // kObject, in file order

  // The member `key`, or nullptr when absent or JSON null (as ConfigJson.node does).
  const Json* get(const std::string& key) const {
    for (const auto& [name, value] : members)
      if (name == key) return value.kind == Kind::kNull ? nullptr : &value;
    return nullptr;
  }
};

// Strict JSON plus the non-finite numbers Python's json writes (Infinity, -Infinity, NaN).
class JsonParser {
 public:
  JsonParser(const std::string& text, std::string source) : s_(text), source_(std::move(source)) {}

  Json parse() {
    Json value = parse_value();
    skip_space();
    if (at_ < s_.size()) fail("trailing characters");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(source_ + ": invalid JSON at byte " + std::to_string(at_) + ": " + what);
  }
  void skip_space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) ++at_;
  }
  bool take(const char* word) {
    const size_t n = std::strlen(word);
    if (s_.compare(at_, n, word) != 0) return false;
    at_ += n;
    return true;
  }
  void expect(char c) {
    skip_space();
    if (at_ >= s_.size() || s_[at_] != c) fail(std::string("expected '") + c + "'");
    ++at_;
  }

  Json parse_value() {
    skip_space();
    if (at_ >= s_.size()) fail("unexpected end");
    Json v;
    const char c = s_[at_];
    if (c == '{') return parse_object();
    if (c == '[') return parse_array();
    if (c == '"') {
      v.kind = Json::Kind::kString;
      v.text = parse_string();
    } else if (take("true")) {
      v.kind = Json::Kind::kBool;
      v.boolean = true;
    } else if (take("false")) {
      v.kind = Json::Kind::kBool;
    } else if (take("null")) {
      v.kind = Json::Kind::kNull;
    } else {
      v = parse_number();
    }
    return v;
  }

  Json parse_number() {
    Json v;
    v.kind = Json::Kind::kNumber;
    const bool negative = s_[at_] == '-';
    if (take("NaN")) {
      v.number = NAN;
      return v;
    }
    if (take(negative ? "-Infinity" : "Infinity")) {
      v.number = negative ? -INFINITY : INFINITY;
      return v;
    }
    const size_t start = at_;
    auto digits = [&] {
      const size_t from = at_;
      while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
      if (at_ == from) fail("expected a digit");
    };
    if (negative) ++at_;
    digits();
    v.integral = true;
    if (at_ < s_.size() && s_[at_] == '.') {
      ++at_;
      digits();
      v.integral = false;
    }
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      ++at_;
      if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-')) ++at_;
      digits();
      v.integral = false;
    }
    v.number = std::strtod(s_.substr(start, at_ - start).c_str(), nullptr);
    return v;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    if (at_ + 4 > s_.size()) fail("short \\u escape");
    uint32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[at_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
      else fail("bad hex digit in \\u escape");
    }
    return cp;
  }

  std::string parse_string() {
    ++at_;  // the opening quote
    std::string out;
    while (true) {
      if (at_ >= s_.size()) fail("unterminated string");
      const char c = s_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= s_.size()) fail("unterminated escape");
      const char e = s_[at_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(at_, 2, "\\u") == 0) {  // a surrogate pair
            at_ += 2;
            const uint32_t low = hex4();
            if (low < 0xDC00 || low >= 0xE000) fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: fail(std::string("bad escape \\") + e);
      }
    }
  }

  Json parse_array() {
    ++at_;
    Json v;
    v.kind = Json::Kind::kArray;
    skip_space();
    if (at_ < s_.size() && s_[at_] == ']') {
      ++at_;
      return v;
    }
    while (true) {
      v.items.push_back(parse_value());
      skip_space();
      if (at_ < s_.size() && s_[at_] == ',') {
        ++at_;
        continue;
      }
      expect(']');
      return v;
    }
  }

  Json parse_object() {
    ++at_;
    Json v;
    v.kind = Json::Kind::kObject;
    skip_space();
    if (at_ < s_.size() && s_[at_] == '}') {
      ++at_;
      return v;
    }
    while (true) {
      skip_space();
      if (at_ >= s_.size() || s_[at_] != '"') fail("expected a key");
      std::string key = parse_string();
      expect(':');
      v.members.emplace_back(std::move(key), parse_value());
      skip_space();
      if (at_ < s_.size() && s_[at_] == ',') {
        ++at_;
        continue;
      }
      expect('}');
      return v;
    }
  }

  const std::string& s_;
  std::string source_;
  size_t at_ = 0;
};

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline Json read_json_file(const std::string& path) { return JsonParser(read_text_file(path), path).parse(); }

inline bool file_exists(const std::string& path) { return std::ifstream(path, std::ios::binary).good(); }

// ---- safetensors ---------------------------------------------------------------------------------

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // "F32", "BF16", "I64", ...
  std::vector<int64_t> shape;
  int64_t offset = 0;  // absolute byte offset of the data in the file
  int64_t n_bytes = 0;
};

// The header of a safetensors file: 8 bytes of little-endian length, then that much JSON giving each
// tensor's dtype, shape and [begin, end) data offsets relative to the end of the header.
inline std::vector<SafetensorsEntry> read_safetensors_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  unsigned char length_bytes[8] = {};
  if (!in.read(reinterpret_cast<char*>(length_bytes), 8)) throw std::runtime_error(path + ": shorter than 8 bytes");
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | length_bytes[i];
  constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the format's own limit
  if (length > kMaxHeaderBytes) throw std::runtime_error(path + ": header length " + std::to_string(length));
  std::string header(length, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(length))) throw std::runtime_error(path + ": short header");
  const Json root = JsonParser(header, path + " header").parse();
  if (root.kind != Json::Kind::kObject) throw std::runtime_error(path + ": header is not a JSON object");
  const int64_t data_start = 8 + static_cast<int64_t>(length);
  std::vector<SafetensorsEntry> entries;
  for (const auto& [name, value] : root.members) {
    if (name == "__metadata__") continue;
    const Json* dtype = value.get("dtype");
    const Json* shape = value.get("shape");
    const Json* offsets = value.get("data_offsets");
    if (!dtype || !shape || !offsets || offsets->items.size() != 2)
      throw std::runtime_error(path + ": tensor " + name + " lacks dtype, shape or data_offsets");
    SafetensorsEntry e;
    e.name = name;
    e.dtype = dtype->text;
    for (const Json& d : shape->items) e.shape.push_back(static_cast<int64_t>(d.number));
    e.offset = data_start + static_cast<int64_t>(offsets->items[0].number);
    e.n_bytes = static_cast<int64_t>(offsets->items[1].number - offsets->items[0].number);
    entries.push_back(std::move(e));
  }
  return entries;
}

// The checkpoint files of a model folder: model.safetensors, or every shard the index's weight_map names.
inline std::vector<std::string> checkpoint_files(const std::string& dir) {
  const std::string index = dir + "/model.safetensors.index.json";
  if (!file_exists(index)) return {dir + "/model.safetensors"};
  const Json root = read_json_file(index);
  const Json* map = root.get("weight_map");
  if (!map) throw std::runtime_error(index + ": no weight_map");
  std::vector<std::string> shards;
  for (const auto& member : map->members) shards.push_back(member.second.text);
  std::sort(shards.begin(), shards.end());
  shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
  for (std::string& s : shards) s = dir + "/" + s;
  return shards;
}

// Every tensor of `files` as the core's nt_model_load takes them (file_index = position in `files`).
inline std::vector<nt_tensor_desc> tensor_descs(const std::vector<std::string>& files) {
  static const std::map<std::string, int32_t> kDtypes = {{"F32", NT_F32}, {"F16", NT_F16}, {"BF16", NT_BF16}};
  std::vector<nt_tensor_desc> descs;
  for (size_t f = 0; f < files.size(); ++f) {
    for (const SafetensorsEntry& e : read_safetensors_header(files[f])) {
      const auto dtype = kDtypes.find(e.dtype);
      if (dtype == kDtypes.end()) throw std::runtime_error(files[f] + ": " + e.name + " has dtype " + e.dtype);
      if (e.shape.size() > 4 || e.name.size() >= NT_MAX_NAME)
        throw std::runtime_error(files[f] + ": " + e.name + " has more than 4 dimensions or too long a name");
      nt_tensor_desc d{};
      std::snprintf(d.name, sizeof d.name, "%s", e.name.c_str());
      d.file_index = static_cast<int32_t>(f);
      d.dtype = dtype->second;
      d.n_dims = static_cast<int32_t>(e.shape.size());
      std::copy(e.shape.begin(), e.shape.end(), d.shape);
      d.offset = e.offset;
      d.n_bytes = e.n_bytes;
      descs.push_back(d);
    }
  }
  return descs;
}

// golden.safetensors, read whole (a few MB): float32 tensors as floats, int64 ones as int32 ids.
class GoldenTensors {
 public:
  explicit GoldenTensors(const std::string& path) : path_(path), bytes_(read_text_file(path)) {
    for (SafetensorsEntry& e : read_safetensors_header(path)) {
      if (e.offset < 0 || e.n_bytes < 0 || e.offset + e.n_bytes > static_cast<int64_t>(bytes_.size()))
        throw std::runtime_error(path + ": " + e.name + " lies outside the file");
      entries_[e.name] = std::move(e);
    }
  }
  bool has(const std::string& name) const { return entries_.count(name) != 0; }
  const std::vector<int64_t>& shape(const std::string& name) const { return entry(name, nullptr).shape; }

  std::vector<float> floats(const std::string& name) const {
    const SafetensorsEntry& e = entry(name, "F32");
    std::vector<float> out(static_cast<size_t>(e.n_bytes) / sizeof(float));
    std::memcpy(out.data(), bytes_.data() + e.offset, out.size() * sizeof(float));  // little-endian host
    return out;
  }
  std::vector<int32_t> ids(const std::string& name) const {
    const SafetensorsEntry& e = entry(name, "I64");
    std::vector<int32_t> out(static_cast<size_t>(e.n_bytes) / sizeof(int64_t));
    for (size_t i = 0; i < out.size(); ++i) {
      int64_t v = 0;
      std::memcpy(&v, bytes_.data() + e.offset + static_cast<int64_t>(i * sizeof v), sizeof v);
      out[i] = static_cast<int32_t>(v);
    }
    return out;
  }

 private:
  const SafetensorsEntry& entry(const std::string& name, const char* dtype) const {
    const auto it = entries_.find(name);
    if (it == entries_.end()) throw std::runtime_error(path_ + ": no tensor " + name);
    if (dtype && it->second.dtype != dtype)
      throw std::runtime_error(path_ + ": " + name + " is " + it->second.dtype + ", expected " + dtype);
    return it->second;
  }
  std::string path_;
  std::string bytes_;
  std::map<std::string, SafetensorsEntry> entries_;
};

// ---- config.json → nt_config ---------------------------------------------------------------------

namespace detail {

class ConfigKeys {
 public:
  ConfigKeys(const Json& root, std::string source) : root_(root), source_(std::move(source)) {}
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(source_ + ": " + what); }
  bool has(const std::string& key) const { return root_.get(key) != nullptr; }
  const Json* node(const std::string& key) const { return root_.get(key); }
  // `key` unless only `alias` is present (ConfigJson.pick; Java also refuses two that disagree).
  std::string pick(const std::string& key, const std::string& alias) const {
    return !has(key) && has(alias) ? alias : key;
  }
  int32_t required_int(const std::string& key) const {
    const Json* n = node(key);
    if (!n) fail("missing required key \"" + key + "\"");
    return as_int(*n, key);
  }
  int32_t optional_int(const std::string& key, int32_t absent) const {
    const Json* n = node(key);
    return n ? as_int(*n, key) : absent;
  }
  bool boolean(const std::string& key, bool absent) const {
    const Json* n = node(key);
    if (!n) return absent;
    if (n->kind != Json::Kind::kBool) fail("\"" + key + "\" must be true or false");
    return n->boolean;
  }
  double number(const std::string& key, double absent) const {
    const Json* n = node(key);
    if (!n) return absent;
    if (n->kind != Json::Kind::kNumber) fail("\"" + key + "\" must be a number");
    return n->number;
  }
  // What Python's float() accepts: a number, "inf" / "-infinity" / "nan" strings, {"__float__": ...}.
  double python_float(const Json& n, const std::string& what) const {
    if (n.kind == Json::Kind::kObject && n.get("__float__")) return python_float(*n.get("__float__"), what);
    if (n.kind == Json::Kind::kNumber) return n.number;
    if (n.kind == Json::Kind::kString) {
      std::string t;
      for (char c : n.text)
        if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const double sign = !t.empty() && t[0] == '-' ? -1.0 : 1.0;
      const std::string u = !t.empty() && (t[0] == '-' || t[0] == '+') ? t.substr(1) : t;
      if (u == "inf" || u == "infinity") return sign * INFINITY;
      if (u == "nan") return NAN;
      char* end = nullptr;
      const double v = std::strtod(t.c_str(), &end);
      if (!t.empty() && end && *end == '\0') return v;
    }
    fail(what + " must be a number");
  }

 private:
  int32_t as_int(const Json& n, const std::string& key) const {
    if (n.kind != Json::Kind::kNumber || !n.integral || std::fabs(n.number) > 2147483647.0)
      fail("\"" + key + "\" must be a 32-bit integer");
    return static_cast<int32_t>(n.number);
  }
  const Json& root_;
  std::string source_;
};

// LayerPatterns.read: hybrid_override_pattern ("M-*-") or transformers 5's layers_block_type list.
inline std::string layer_pattern(const ConfigKeys& keys) {
  if (const Json* pattern = keys.node("hybrid_override_pattern")) return pattern->text;
  const Json* types = keys.node("layers_block_type");
  if (!types) keys.fail("no hybrid_override_pattern or layers_block_type");
  static const std::map<std::string, char> kKinds = {
      {"mamba", 'M'}, {"linear_attention", 'M'}, {"attention", '*'}, {"full_attention", '*'}, {"mlp", '-'}, {"moe", 'E'}};
  std::string pattern;
  for (const Json& t : types->items) {
    const auto kind = kKinds.find(t.text);
    if (kind == kKinds.end()) keys.fail("unknown layers_block_type \"" + t.text + "\"");
    pattern += kind->second;
  }
  return pattern;
}

}  // namespace detail

// config.json → nt_config: the keys and defaults of ConfigReader.parse, the fields NativeModel.toNative
// fills (a block kind's fields stay 0 when the pattern has no such layer).
inline nt_config read_config(const std::string& path) {
  const Json root = read_json_file(path);
  const detail::ConfigKeys keys(root, path);
  const std::string pattern = detail::layer_pattern(keys);
  if (pattern.empty() || pattern.size() > NT_MAX_LAYERS) keys.fail("bad layer count");
  if (pattern.find('E') != std::string::npos) keys.fail("MoE layers are not supported");
  const bool mamba = pattern.find('M') != std::string::npos;
  const bool attention = pattern.find('*') != std::string::npos;
  const bool mlp = pattern.find('-') != std::string::npos;

  nt_config c{};
  std::snprintf(c.layer_kinds, sizeof c.layer_kinds, "%s", pattern.c_str());
  c.n_layers = static_cast<int32_t>(pattern.size());
  c.vocab_size = keys.required_int("vocab_size");
  c.hidden_size = keys.required_int("hidden_size");
  if (attention) {
    c.n_heads = keys.required_int("num_attention_heads");
    c.n_kv_heads = keys.optional_int("num_key_value_heads", c.n_heads);
    // as the reference and vLLM do: hidden_size / num_attention_heads when absent or null
    c.attn_head_dim = keys.has("head_dim") ? keys.required_int("head_dim") : c.hidden_size / c.n_heads;
    c.attention_bias = keys.boolean("attention_bias", false);
  }
  if (mlp) {
    c.intermediate_size = keys.required_int("intermediate_size");
    c.mlp_bias = keys.boolean("mlp_bias", false);
  }
  if (mamba) {
    c.mamba_n_heads = keys.required_int("mamba_num_heads");
    c.mamba_head_dim = keys.required_int("mamba_head_dim");
    c.n_groups = keys.required_int(keys.pick("n_groups", "mamba_n_groups"));
    c.d_state = keys.required_int("ssm_state_size");
    c.conv_kernel = keys.required_int(keys.pick("conv_kernel", "mamba_d_conv"));
    constexpr int32_t kDefaultChunkSize = 128;  // NemotronConfig.DEFAULT_CHUNK_SIZE
    c.chunk_size = keys.optional_int(keys.pick("chunk_size", "mamba_chunk_size"), kDefaultChunkSize);
    c.use_conv_bias = keys.boolean(keys.pick("use_conv_bias", "mamba_conv_bias"), true);
    // use_bias is what transformers' and vLLM's mixers read; mamba_proj_bias stands in when it is absent
    c.mamba_proj_bias = keys.has("use_bias") ? keys.boolean("use_bias", false) : keys.boolean("mamba_proj_bias", false);
  }
  c.tie_word_embeddings = keys.boolean("tie_word_embeddings", false);
  c.norm_eps = static_cast<float>(keys.has("layer_norm_epsilon") ? keys.number("layer_norm_epsilon", 1e-5)
                                                                  : keys.number("rms_norm_eps", 1e-5));
  c.dt_min = 0.0f;
  c.dt_max = INFINITY;
  const std::string limit_key = keys.pick("time_step_limit", "mamba_dt_limit");
  if (const Json* limit = keys.node(limit_key)) {
    if (limit->kind != Json::Kind::kArray || limit->items.size() != 2) keys.fail(limit_key + " must be [min, max]");
    c.dt_min = static_cast<float>(keys.python_float(limit->items[0], limit_key + "[0]"));
    c.dt_max = static_cast<float>(keys.python_float(limit->items[1], limit_key + "[1]"));
  }
  return c;
}

}  // namespace nemotron::test
