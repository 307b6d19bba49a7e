internal import CYaml
import Foundation

/// Finds YAML anchors (`&name`) and aliases (`*name`) from libyaml's event stream, before any tree is
/// built. Yams expands aliases while composing and hashes mapping keys to find duplicates, so a small
/// file of nested aliases (a "billion laughs") takes exponential time there: such a file is refused here
/// first, in linear time. Stops quietly at a syntax error, which the composer then reports with its place.
enum YAMLAliasScan {
    /// 1-based line and column of each anchor or alias, with what it is.
    static func find(in yaml: String, limit: Int = 20) -> [(line: Int, column: Int, what: String)] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return [] }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(yaml.utf8)
        var found: [(line: Int, column: Int, what: String)] = []
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while found.count < limit, yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let type = event.type
                let mark = event.start_mark
                let place = (line: Int(mark.line) + 1, column: Int(mark.column) + 1)
                switch type {
                case YAML_ALIAS_EVENT:
                    found.append((place.line, place.column, "an alias (*name)"))
                case YAML_SCALAR_EVENT where event.data.scalar.anchor != nil,
                    YAML_SEQUENCE_START_EVENT where event.data.sequence_start.anchor != nil,
                    YAML_MAPPING_START_EVENT where event.data.mapping_start.anchor != nil:
                    found.append((place.line, place.column, "an anchor (&name)"))
                default:
                    break
                }
                if type == YAML_STREAM_END_EVENT { break }
            }
        }
        return found
    }
}
