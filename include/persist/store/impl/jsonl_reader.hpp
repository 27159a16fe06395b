// Template bodies of <persist/store/jsonl_reader.hpp>.
#ifndef PERSIST_STORE_IMPL_JSONL_READER_HPP
#define PERSIST_STORE_IMPL_JSONL_READER_HPP

#include <boost/json/value_to.hpp>

#include <algorithm>
#include <cstring>
#include <span>

namespace persist {

template <fs_policy Fs>
struct jsonl_reader<Fs>::state {
    state(Fs f, typename Fs::handle h, std::filesystem::path p, jsonl_read_options o)
        : fs(std::move(f)),
          file(h),
          path(std::move(p)),
          options(o),
          parser(json_syntax::strict, detail::jsonl_max_depth),
          buffer(std::max<std::size_t>(o.chunk_size, 1)),
          terminated_size(o.start_offset) {}
    state(state const&) = delete;
    state& operator=(state const&) = delete;
    ~state() { (void)fs.close(file); }

    Fs fs;
    typename Fs::handle file;
    std::filesystem::path path;
    jsonl_read_options options;
    json_parser parser;

    // Input: buffer[begin, end) is unread; buffer[0] is at file offset buffer_offset.
    std::vector<char> buffer;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::uint64_t buffer_offset = 0;
    std::uint64_t bytes_read = 0;  // from options.start_offset
    bool end_of_input = false;

    // The line being read, or the one just finished.
    bool in_line = false;
    std::uint64_t line = 0;
    std::uint64_t line_offset = 0;
    std::uint64_t line_length = 0;
    bool line_failed = false;
    std::string line_problem;  // why the line is bad, once line_failed
    std::string line_bytes;    // kept only with options.keep_line_bytes
    boost::json::value value;  // the finished line's record

    // Results.
    std::vector<jsonl_bad_line> bad_lines;
    std::uint64_t bad_line_count = 0;
    std::uint64_t records = 0;
    std::uint64_t terminated_size = 0;
    std::optional<jsonl_unterminated_line> unterminated;
    std::optional<error> failure;

    /// The current line's number, or 0 when it is not known.
    std::uint64_t line_number() const noexcept { return options.start_offset == 0 ? line : 0; }
};

template <fs_policy Fs>
result<jsonl_reader<Fs>> jsonl_reader<Fs>::open(Fs fs, std::filesystem::path path,
                                                jsonl_read_options options) {
    auto opened = fs.open_read(path, options.owner);
    if (!opened) return error(stage::read, opened.error(), path);
    return jsonl_reader(std::move(fs), *opened, std::move(path), options);
}

template <fs_policy Fs>
jsonl_reader<Fs>::jsonl_reader(Fs fs, typename Fs::handle file, std::filesystem::path path,
                               jsonl_read_options options)
    : state_(std::make_unique<state>(std::move(fs), file, std::move(path), options)) {}

template <fs_policy Fs>
jsonl_reader<Fs>::~jsonl_reader() = default;

template <fs_policy Fs>
std::string jsonl_reader<Fs>::where() const {
    auto const at = "byte offset " + std::to_string(state_->line_offset);
    if (state_->line_number() == 0) return at;
    return "line " + std::to_string(state_->line) + ", " + at;
}

template <fs_policy Fs>
void jsonl_reader<Fs>::note_bad_line(std::error_code reason, std::string why, bool terminated) {
    auto& s = *state_;
    jsonl_bad_line bad{s.line_number(), s.line_offset, s.line_length,
                       terminated,      reason,        where() + ": " + std::move(why)};
    ++s.bad_line_count;
    if (s.options.mode == jsonl_read_mode::strict) {
        s.failure = error(stage::parse, reason, s.path, {}, std::move(bad.detail));
    } else if (s.bad_lines.size() < s.options.max_bad_lines_kept) {
        s.bad_lines.push_back(std::move(bad));
    }
}

template <fs_policy Fs>
void jsonl_reader<Fs>::finish_line(bool terminated) {
    auto& s = *state_;
    s.in_line = false;
    if (!s.line_failed) {
        boost::system::error_code ec;
        if (s.line_length == 0) {
            s.line_failed = true;
            s.line_problem = "empty line";
        } else if (s.parser.finish(ec); ec) {
            s.line_failed = true;
            s.line_problem = ec.message();
        } else {
            s.value = s.parser.release();
        }
    }
    if (terminated) {
        s.terminated_size = s.line_offset + s.line_length + 1;
    } else {
        s.unterminated =
            jsonl_unterminated_line{s.line_offset, s.line_length, !s.line_failed, s.line_bytes};
    }
    if (s.line_failed) {
        note_bad_line(
            errc::corrupt_data,
            terminated ? s.line_problem : "torn final line without a newline: " + s.line_problem,
            terminated);
    }
}

template <fs_policy Fs>
auto jsonl_reader<Fs>::read_line() -> line_outcome {
    auto& s = *state_;
    for (;;) {
        if (s.begin == s.end) {
            if (s.end_of_input) {
                if (!s.in_line) return line_outcome::none;
                finish_line(false);
                return s.line_failed ? line_outcome::bad : line_outcome::record;
            }
            auto const position = s.options.start_offset + s.bytes_read;
            auto const want = static_cast<std::size_t>(std::min<std::uint64_t>(
                s.buffer.size(), s.options.byte_limit - std::min(s.options.byte_limit, position)));
            if (want == 0) {
                s.end_of_input = true;
                continue;
            }
            auto const into = std::as_writable_bytes(std::span(s.buffer.data(), want));
            auto got = s.options.start_offset == 0 ? s.fs.read(s.file, into)
                                                   : s.fs.read_at(s.file, position, into);
            if (!got) {
                s.failure = error(stage::read, got.error(), s.path);
                return line_outcome::none;
            }
            s.buffer_offset = position;
            s.bytes_read += *got;
            s.begin = 0;
            s.end = *got;
            if (*got == 0) s.end_of_input = true;
            continue;
        }
        if (!s.in_line) {
            s.in_line = true;
            ++s.line;
            s.line_offset = s.buffer_offset + s.begin;
            s.line_length = 0;
            s.line_failed = false;
            s.line_bytes.clear();
            s.parser.reset();
        }
        char const* const piece = s.buffer.data() + s.begin;
        std::size_t const available = s.end - s.begin;
        auto const* newline = static_cast<char const*>(std::memchr(piece, '\n', available));
        std::size_t const size =
            newline != nullptr ? static_cast<std::size_t>(newline - piece) : available;
        if (!s.line_failed && size != 0) {
            boost::system::error_code ec;
            std::size_t const parsed = s.parser.write(piece, size, ec);
            if (ec) {
                s.line_failed = true;
                s.line_problem =
                    ec.message() + " at column " + std::to_string(s.line_length + parsed + 1);
            }
        }
        if (s.options.keep_line_bytes) s.line_bytes.append(piece, size);
        s.line_length += size;
        if (newline == nullptr) {
            s.begin = s.end;
            continue;
        }
        s.begin += size + 1;
        finish_line(true);
        return s.line_failed ? line_outcome::bad : line_outcome::record;
    }
}

template <fs_policy Fs>
result<std::optional<jsonl_record>> jsonl_reader<Fs>::next() {
    auto& s = *state_;
    for (;;) {
        if (s.failure) return *s.failure;
        switch (read_line()) {
            case line_outcome::none:
                if (s.failure) return *s.failure;
                return std::nullopt;
            case line_outcome::record:
                ++s.records;
                return jsonl_record{std::move(s.value), s.line_number(), s.line_offset};
            case line_outcome::bad: break;  // strict: failure is set; lenient: skip it
        }
    }
}

template <fs_policy Fs>
template <class T>
result<std::optional<jsonl_typed_record<T>>> jsonl_reader<Fs>::next_as() {
    for (;;) {
        auto record = next();
        if (!record) return record.error();
        if (!*record) return std::nullopt;
        auto converted = boost::json::try_value_to<T>((*record)->value);
        if (converted) {
            return jsonl_typed_record<T>{std::move(*converted), (*record)->line, (*record)->offset};
        }
        --state_->records;  // not a record of type T after all
        note_bad_line(errc::type_mismatch,
                      "cannot convert the record: " + converted.error().message(), true);
        if (state_->failure) return *state_->failure;
    }
}

template <fs_policy Fs>
std::vector<jsonl_bad_line> const& jsonl_reader<Fs>::bad_lines() const noexcept {
    return state_->bad_lines;
}

template <fs_policy Fs>
std::uint64_t jsonl_reader<Fs>::bad_line_count() const noexcept {
    return state_->bad_line_count;
}

template <fs_policy Fs>
std::uint64_t jsonl_reader<Fs>::record_count() const noexcept {
    return state_->records;
}

template <fs_policy Fs>
std::uint64_t jsonl_reader<Fs>::line_count() const noexcept {
    return state_->line;
}

template <fs_policy Fs>
std::uint64_t jsonl_reader<Fs>::terminated_size() const noexcept {
    return state_->terminated_size;
}

template <fs_policy Fs>
std::optional<jsonl_unterminated_line> const& jsonl_reader<Fs>::unterminated_line() const noexcept {
    return state_->unterminated;
}

template <fs_policy Fs>
std::string_view jsonl_reader<Fs>::raw_line() const noexcept {
    return state_->line_bytes;
}

template <fs_policy Fs>
std::filesystem::path const& jsonl_reader<Fs>::path() const noexcept {
    return state_->path;
}

}  // namespace persist

#endif
