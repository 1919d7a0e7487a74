package dev.bottleneck.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Peeks at a CSV header, to drop the model's label column when a scoring file still has it. */
final class CsvHeader {
    private CsvHeader() {}

    static boolean has(Path csv, String column) {
        try (InputStream raw = Files.newInputStream(csv)) {
            InputStream in = new java.io.BufferedInputStream(raw);
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                in = new GZIPInputStream(in);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = r.readLine();
            if (header == null) {
                return false;
            }
            for (String h : header.split(",")) {
                if (h.trim().replace("\"", "").equals(column)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // the reader proper reports unreadable files with a clear message
        }
    }
}
