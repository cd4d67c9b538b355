// Kafka's own Java consumer (kafka-clients) as the reference reader for tests: every record of a
// topic, from the earliest offsets up to the end offsets the same isolation level sees, printed one
// JSON object per line: {"partition":P,"offset":O,"key":base64|null,"value":base64|null}.
//
// Run in source-file mode (no compile step): java -cp '<kafka libs>/*' KafkaTopicReader.java
//   <bootstrap> <topic> <read_committed|read_uncommitted>
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class KafkaTopicReader {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("isolation.level", args[2]);
    p.put("enable.auto.commit", "false");
    p.put("max.partition.fetch.bytes", args.length > 3 ? args[3] : "1048576");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(args[1])) tps.add(new TopicPartition(args[1], info.partition()));
      c.assign(tps);
      c.seekToBeginning(tps);
      // With read_committed, endOffsets is the last stable offset: what this consumer can reach.
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(tps));
      Base64.Encoder b64 = Base64.getEncoder();
      StringBuilder out = new StringBuilder();
      long deadline = System.currentTimeMillis() + 60_000;
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("no progress in 60 s");
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) continue;
          out.append("{\"partition\":").append(r.partition()).append(",\"offset\":").append(r.offset())
              .append(",\"key\":").append(r.key() == null ? "null" : "\"" + b64.encodeToString(r.key()) + "\"")
              .append(",\"value\":").append(r.value() == null ? "null" : "\"" + b64.encodeToString(r.value()) + "\"")
              .append("}\n");
        }
      }
      System.out.print(out);
    }
  }
}
