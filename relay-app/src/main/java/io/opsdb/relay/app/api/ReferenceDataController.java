package io.opsdb.relay.app.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.record.RecordKind;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.app.web.Paging;
import io.opsdb.relay.app.web.RequestProblem;

/**
 * Observing programs and sources: read everywhere, written at the main site. At a secondary a write is
 * not critical: it goes straight to the primary when that is reachable, and is refused with 503 when not.
 */
@RestController
class ReferenceDataController {

    private final RecordWrites writes;
    private final EntityReader reader;

    ReferenceDataController(RecordWrites writes, EntityReader reader) {
        this.writes = writes;
        this.reader = reader;
    }

    @GetMapping("/observing_programs")
    List<Map<String, Object>> programs(@RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset) {
        Paging page = Paging.of(limit, offset);
        return reader.list(RecordKind.OBSERVING_PROGRAM.entity(), Map.of(), "code", false, page.limit(), page.offset());
    }

    @GetMapping("/observing_programs/{id}")
    Map<String, Object> program(@PathVariable String id) {
        return reader.find(RecordKind.OBSERVING_PROGRAM.entity(), RawDataController.uuid(id))
                .orElseThrow(() -> RequestProblem.notFound("observing program " + id));
    }

    @PostMapping("/observing_programs")
    ResponseEntity<Map<String, Object>> createProgram(@RequestBody Map<String, Object> body) {
        Map<String, Object> accepted = writes.create(RecordKind.OBSERVING_PROGRAM, body);
        return ResponseEntity.created(URI.create("/observing_programs/" + accepted.get("id"))).body(accepted);
    }

    @GetMapping("/sources")
    List<Map<String, Object>> sources(@RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset) {
        Paging page = Paging.of(limit, offset);
        return reader.list(RecordKind.SOURCE.entity(), Map.of(), "name", false, page.limit(), page.offset());
    }

    @GetMapping("/sources/{id}")
    Map<String, Object> source(@PathVariable String id) {
        return reader.find(RecordKind.SOURCE.entity(), RawDataController.uuid(id))
                .orElseThrow(() -> RequestProblem.notFound("source " + id));
    }

    @PostMapping("/sources")
    ResponseEntity<Map<String, Object>> createSource(@RequestBody Map<String, Object> body) {
        Map<String, Object> accepted = writes.create(RecordKind.SOURCE, body);
        return ResponseEntity.created(URI.create("/sources/" + accepted.get("id"))).body(accepted);
    }
}
