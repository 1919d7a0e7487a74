package dev.bottleneck.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession every test in the module shares (starting Spark costs seconds).
 * {@code local[2,2]}: two executor threads, and a failed task may be tried twice (plain local[2]
 * never retries, so the retry test could not pass on it).
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("bottleneck-spark-tests")
                    .master("local[2,2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.sql.adaptive.enabled", "false")
                    .getOrCreate();
        }
        return session;
    }
}
