package io.opsdb.relay.app.api;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.record.ObservingProgramValues;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.app.record.SourceValues;
import io.opsdb.relay.app.web.Paging;
import io.opsdb.relay.app.web.RecordComponents;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.schema.EntityType;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

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
    List<ObservingProgram> programs(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset) {
        Paging page = Paging.of(limit, offset);
        return reader.list(EntityType.OBSERVING_PROGRAM, Map.of(), "code", false, page.limit(), page.offset()).stream()
                .map(row -> RecordComponents.construct(ObservingProgram.class, row))
                .toList();
    }

    @GetMapping("/observing_programs/{id}")
    ObservingProgram program(@PathVariable String id) {
        return reader.find(EntityType.OBSERVING_PROGRAM, RawDataController.uuid(id))
                .map(row -> RecordComponents.construct(ObservingProgram.class, row))
                .orElseThrow(() -> RequestProblem.notFound("observing program " + id));
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/observing_programs")
    ResponseEntity<WriteAccepted> createProgram(@RequestBody ObservingProgramValues body) {
        return WriteAccepted.created(writes, body, "/observing_programs/");
    }

    @GetMapping("/sources")
    List<Source> sources(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset) {
        Paging page = Paging.of(limit, offset);
        return reader.list(EntityType.SOURCE, Map.of(), "name", false, page.limit(), page.offset()).stream()
                .map(row -> RecordComponents.construct(Source.class, row))
                .toList();
    }

    @GetMapping("/sources/{id}")
    Source source(@PathVariable String id) {
        return reader.find(EntityType.SOURCE, RawDataController.uuid(id))
                .map(row -> RecordComponents.construct(Source.class, row))
                .orElseThrow(() -> RequestProblem.notFound("source " + id));
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/sources")
    ResponseEntity<WriteAccepted> createSource(@RequestBody SourceValues body) {
        return WriteAccepted.created(writes, body, "/sources/");
    }
}
