package io.convoy.monitor.alert;

import io.convoy.schemas.avro.Alert;
import io.convoy.schemas.avro.ControlRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Keeps what the engine published, with the keys. */
final class RecordingSink implements AlertEngine.Sink {
    final List<Map.Entry<String, Alert>> alerts = new ArrayList<>();
    final List<Map.Entry<String, ControlRecord>> controls = new ArrayList<>();

    @Override
    public void alert(String key, Alert alert) {
        alerts.add(Map.entry(key, alert));
    }

    @Override
    public void control(String key, ControlRecord record) {
        controls.add(Map.entry(key, record));
    }

    List<String> severities() {
        return alerts.stream().map(e -> e.getKey() + " " + e.getValue().getSeverity()).toList();
    }

    List<String> actions() {
        return controls.stream().map(e -> e.getKey() + " " + e.getValue().getAction()).toList();
    }
}
