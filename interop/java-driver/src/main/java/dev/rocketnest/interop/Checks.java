package dev.rocketnest.interop;

import static dev.rocketnest.interop.Support.bytes;
import static dev.rocketnest.interop.Support.check;
import static dev.rocketnest.interop.Support.shutdownQuietly;
import static dev.rocketnest.interop.Support.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** The checks. Each creates its own topic and groups (unique per run) and shuts its clients down. */
final class Checks {
  interface Check {
    void run(Support s) throws Exception;
  }

  static Map<String, Check> all() {
    Map<String, Check> checks = new LinkedHashMap<>();
    checks.put("producer.sync", Checks::producerSync);
    checks.put("producer.async", Checks::producerAsync);
    checks.put("producer.oneway", Checks::producerOneway);
    checks.put("producer.batch", Checks::producerBatch);
    checks.put("producer.ordered", Checks::producerOrdered);
    checks.put("producer.transaction", Checks::producerTransaction);
    checks.put("consumer.concurrent", Checks::consumerConcurrent);
    checks.put("consumer.orderly", Checks::consumerOrderly);
    checks.put("consumer.clustering", Checks::consumerClustering);
    checks.put("consumer.broadcasting", Checks::consumerBroadcasting);
    checks.put("consumer.tags", Checks::consumerTags);
    checks.put("consumer.retry", Checks::consumerRetry);
    checks.put("lookup.by-id", Checks::lookupById);
    checks.put("lookup.by-key", Checks::lookupByKey);
    checks.put("admin", Checks::admin);
    return checks;
  }

  /** Bodies received by a consumer, keyed by body text. */
  static final class Received {
    final Map<String, List<MessageExt>> byBody = new ConcurrentHashMap<>();
    final AtomicInteger count = new AtomicInteger();

    void add(MessageExt msg) {
      byBody.computeIfAbsent(text(msg.getBody()), k -> new CopyOnWriteArrayList<>()).add(msg);
      count.incrementAndGet();
    }

    boolean containsAll(Set<String> bodies) {
      return byBody.keySet().containsAll(bodies);
    }
  }

  static MessageListenerConcurrently collecting(Received received) {
    return (msgs, context) -> {
      for (MessageExt msg : msgs) received.add(msg);
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    };
  }

  static void sendOk(SendResult result, String what) {
    check(result != null && result.getSendStatus() == SendStatus.SEND_OK, what + ": status " + (result == null ? "null" : result.getSendStatus()));
    check(result.getMsgId() != null && !result.getMsgId().isEmpty(), what + ": no msgId");
    check(result.getMessageQueue() != null, what + ": no message queue");
  }

  // ---- producer -------------------------------------------------------------------------------------------

  static void producerSync(Support s) throws Exception {
    String topic = s.name("T", "producer.sync");
    s.createTopic(topic, 4);
    DefaultMQProducer producer = s.producer("producer.sync");
    producer.start();
    try {
      Map<Integer, Long> lastOffset = new HashMap<>();
      for (int i = 0; i < 8; i++) {
        Message msg = new Message(topic, "TagA", "key-" + i, bytes("sync-" + i));
        SendResult result = producer.send(msg);
        sendOk(result, "send " + i);
        check(result.getOffsetMsgId() != null && result.getOffsetMsgId().length() == 32, "offsetMsgId " + result.getOffsetMsgId());
        check(result.getRegionId() != null, "no regionId");
        int queueId = result.getMessageQueue().getQueueId();
        Long previous = lastOffset.put(queueId, result.getQueueOffset());
        check(previous == null || result.getQueueOffset() == previous + 1, "queue " + queueId + " offset " + previous + " -> " + result.getQueueOffset());
      }
      check(lastOffset.size() == 4, "round robin used " + lastOffset.size() + " of 4 queues");
    } finally {
      shutdownQuietly(producer);
    }
  }

  static void producerAsync(Support s) throws Exception {
    String topic = s.name("T", "producer.async");
    s.createTopic(topic, 4);
    DefaultMQProducer producer = s.producer("producer.async");
    producer.start();
    try {
      int count = 10;
      List<SendResult> ok = new CopyOnWriteArrayList<>();
      List<Throwable> failed = new CopyOnWriteArrayList<>();
      for (int i = 0; i < count; i++) {
        producer.send(new Message(topic, "TagA", bytes("async-" + i)), new SendCallback() {
          @Override
          public void onSuccess(SendResult result) {
            ok.add(result);
          }

          @Override
          public void onException(Throwable e) {
            failed.add(e);
          }
        });
      }
      s.waitFor("async callbacks", () -> ok.size() + failed.size() == count);
      check(failed.isEmpty(), "async failures: " + failed);
      for (SendResult result : ok) sendOk(result, "async");
    } finally {
      shutdownQuietly(producer);
    }
  }

  static long storedCount(Support s, String topic) throws Exception {
    var stats = s.admin().examineTopicStats(topic);
    long total = 0;
    for (var entry : stats.getOffsetTable().entrySet()) {
      total += entry.getValue().getMaxOffset() - entry.getValue().getMinOffset();
    }
    return total;
  }

  static void producerOneway(Support s) throws Exception {
    String topic = s.name("T", "producer.oneway");
    s.createTopic(topic, 2);
    DefaultMQProducer producer = s.producer("producer.oneway");
    producer.start();
    try {
      for (int i = 0; i < 5; i++) producer.sendOneway(new Message(topic, "TagA", bytes("oneway-" + i)));
      s.waitFor("5 one-way messages stored", () -> {
        try {
          return storedCount(s, topic) == 5;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      shutdownQuietly(producer);
    }
  }

  static void producerBatch(Support s) throws Exception {
    String topic = s.name("T", "producer.batch");
    s.createTopic(topic, 1);
    DefaultMQProducer producer = s.producer("producer.batch");
    producer.start();
    DefaultMQPushConsumer consumer = null;
    try {
      List<Message> batch = new ArrayList<>();
      Set<String> bodies = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        Message msg = new Message(topic, "TagB", "bkey-" + i, bytes("batch-" + i));
        batch.add(msg);
        bodies.add("batch-" + i);
      }
      SendResult result = producer.send(batch);
      sendOk(result, "batch");
      check(result.getMsgId().split(",").length == 4, "batch msgId should list 4 ids: " + result.getMsgId());
      Received received = new Received();
      consumer = s.consumer(s.name("CG", "producer.batch"), topic, "*");
      consumer.registerMessageListener(collecting(received));
      consumer.start();
      s.waitFor("4 batch messages consumed", () -> received.containsAll(bodies));
      for (List<MessageExt> msgs : received.byBody.values()) {
        MessageExt msg = msgs.get(0);
        check("TagB".equals(msg.getTags()), "batch message lost its tag: " + msg.getTags());
        check(msg.getKeys() != null && msg.getKeys().startsWith("bkey-"), "batch message lost its key: " + msg.getKeys());
        check(msg.getMsgId() != null && result.getMsgId().contains(msg.getMsgId()), "consumed id " + msg.getMsgId() + " not in " + result.getMsgId());
      }
    } finally {
      shutdownQuietly(consumer);
      shutdownQuietly(producer);
    }
  }

  static void producerOrdered(Support s) throws Exception {
    String topic = s.name("T", "producer.ordered");
    s.createTopic(topic, 4);
    DefaultMQProducer producer = s.producer("producer.ordered");
    producer.start();
    try {
      for (int orderId = 0; orderId < 4; orderId++) {
        for (int seq = 0; seq < 3; seq++) {
          Message msg = new Message(topic, "TagA", bytes("order-" + orderId + "-" + seq));
          SendResult result = producer.send(msg, (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), orderId);
          sendOk(result, "ordered send");
          check(result.getMessageQueue().getQueueId() == orderId % 4, "order " + orderId + " went to queue " + result.getMessageQueue().getQueueId());
        }
      }
    } finally {
      shutdownQuietly(producer);
    }
  }

  static void producerTransaction(Support s) throws Exception {
    String topic = s.name("T", "producer.transaction");
    s.createTopic(topic, 2);
    AtomicInteger unknownChecks = new AtomicInteger();
    Map<String, AtomicInteger> resolvedChecks = new ConcurrentHashMap<>();
    TransactionMQProducer producer = new TransactionMQProducer(s.name("PG", "producer.transaction"));
    s.configure(producer);
    producer.setSendMsgTimeout(10_000);
    producer.setTransactionListener(new TransactionListener() {
      @Override
      public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
        return stateOf(msg.getUserProperty("kind"));
      }

      @Override
      public LocalTransactionState checkLocalTransaction(MessageExt msg) {
        String kind = msg.getUserProperty("kind");
        if ("unknown".equals(kind)) {
          // First check-back: still unknown, the broker must ask again. Later ones: commit.
          return unknownChecks.incrementAndGet() == 1 ? LocalTransactionState.UNKNOW : LocalTransactionState.COMMIT_MESSAGE;
        }
        // A check-back for a transaction already ended: answer consistently (at-least-once checks are legal).
        resolvedChecks.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        return stateOf(kind);
      }
    });
    producer.start();
    DefaultMQPushConsumer consumer = null;
    try {
      for (String kind : List.of("unknown", "rollback", "commit")) {
        Message msg = new Message(topic, "TagT", bytes("tx-" + kind));
        msg.putUserProperty("kind", kind);
        TransactionSendResult result = producer.sendMessageInTransaction(msg, null);
        sendOk(result, "half message " + kind);
        check(result.getLocalTransactionState() == stateOf(kind), kind + ": local state " + result.getLocalTransactionState());
      }
      long sentAt = System.currentTimeMillis();
      Received received = new Received();
      consumer = s.consumer(s.name("CG", "producer.transaction"), topic, "*");
      consumer.registerMessageListener(collecting(received));
      consumer.start();
      s.waitFor("committed and checked-back messages", () -> received.containsAll(Set.of("tx-commit", "tx-unknown")));
      Support.note("producer.transaction", "checked-back message delivered " + (System.currentTimeMillis() - sentAt)
          + " ms after its half message; check-backs: unknown=" + unknownChecks.get() + ", already-ended=" + resolvedChecks);
      check(unknownChecks.get() >= 2, "check-back count " + unknownChecks.get() + " (want >= 2)");
      check(!received.byBody.containsKey("tx-rollback"), "rolled back message was delivered");
      for (Map.Entry<String, List<MessageExt>> entry : received.byBody.entrySet()) {
        if (entry.getValue().size() > 1) {
          Support.note("producer.transaction", entry.getKey() + " delivered " + entry.getValue().size() + " times");
        }
      }
    } finally {
      shutdownQuietly(consumer);
      shutdownQuietly(producer);
    }
  }

  static LocalTransactionState stateOf(String kind) {
    switch (kind) {
      case "commit":
        return LocalTransactionState.COMMIT_MESSAGE;
      case "rollback":
        return LocalTransactionState.ROLLBACK_MESSAGE;
      default:
        return LocalTransactionState.UNKNOW;
    }
  }

  // ---- consumer -------------------------------------------------------------------------------------------

  static void consumerConcurrent(Support s) throws Exception {
    String topic = s.name("T", "consumer.concurrent");
    s.createTopic(topic, 4);
    DefaultMQProducer producer = s.producer("consumer.concurrent");
    producer.start();
    DefaultMQPushConsumer consumer = null;
    try {
      Set<String> bodies = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        String body = "concurrent-" + i;
        bodies.add(body);
        sendOk(producer.send(new Message(topic, "TagA", bytes(body))), "send");
      }
      // A body above the 4 KiB compression threshold: the producer deflates it, the consumer must inflate it.
      StringBuilder large = new StringBuilder("large-");
      while (large.length() < 8192) large.append("0123456789abcdef");
      bodies.add(large.toString());
      sendOk(producer.send(new Message(topic, "TagA", bytes(large.toString()))), "send large");
      Received received = new Received();
      consumer = s.consumer(s.name("CG", "consumer.concurrent"), topic, "*");
      consumer.registerMessageListener(collecting(received));
      consumer.start();
      s.waitFor("21 messages consumed", () -> received.containsAll(bodies));
      MessageExt any = received.byBody.get("concurrent-0").get(0);
      check(topic.equals(any.getTopic()), "topic " + any.getTopic());
      check(any.getStoreHost() != null && any.getBornHost() != null, "hosts missing");
    } finally {
      shutdownQuietly(consumer);
      shutdownQuietly(producer);
    }
  }

  static void consumerOrderly(Support s) throws Exception {
    String topic = s.name("T", "consumer.orderly");
    s.createTopic(topic, 4);
    DefaultMQProducer producer = s.producer("consumer.orderly");
    producer.start();
    DefaultMQPushConsumer consumer = null;
    try {
      int orders = 4;
      int perOrder = 5;
      for (int seq = 0; seq < perOrder; seq++) {
        for (int orderId = 0; orderId < orders; orderId++) {
          Message msg = new Message(topic, "TagA", bytes(orderId + ":" + seq));
          sendOk(producer.send(msg, (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), orderId), "ordered send");
        }
      }
      Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
      AtomicInteger total = new AtomicInteger();
      consumer = s.consumer(s.name("CG", "consumer.orderly"), topic, "*");
      consumer.registerMessageListener((MessageListenerOrderly) (msgs, context) -> {
        for (MessageExt msg : msgs) {
          String[] parts = text(msg.getBody()).split(":");
          seen.computeIfAbsent(parts[0], k -> Collections.synchronizedList(new ArrayList<>())).add(Integer.parseInt(parts[1]));
          total.incrementAndGet();
        }
        return ConsumeOrderlyStatus.SUCCESS;
      });
      consumer.start();
      s.waitFor(orders * perOrder + " ordered messages", () -> total.get() >= orders * perOrder);
      for (Map.Entry<String, List<Integer>> entry : seen.entrySet()) {
        List<Integer> seqs = entry.getValue();
        for (int i = 0; i < seqs.size(); i++) {
          check(seqs.get(i) == i, "order " + entry.getKey() + " consumed out of order: " + seqs);
        }
      }
      check(seen.size() == orders, "orders seen " + seen.keySet());
    } finally {
      shutdownQuietly(consumer);
      shutdownQuietly(producer);
    }
  }

  /** Queues of `topic` this member owns (the table also holds the group's %RETRY% queue once routed). */
  static int assigned(DefaultMQPushConsumer consumer, String topic) {
    int count = 0;
    for (MessageQueue mq : consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet()) {
      if (mq.getTopic().equals(topic)) count++;
    }
    return count;
  }

  static String queuesOf(DefaultMQPushConsumer consumer) {
    List<String> ids = new ArrayList<>();
    for (MessageQueue mq : consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet()) {
      ids.add((mq.getTopic().startsWith("%RETRY%") ? "retry:" : "") + mq.getQueueId());
    }
    Collections.sort(ids);
    return ids.toString();
  }

  static void consumerClustering(Support s) throws Exception {
    String topic = s.name("T", "consumer.clustering");
    String group = s.name("CG", "consumer.clustering");
    s.createTopic(topic, 4);
    Received a = new Received();
    Received b = new Received();
    DefaultMQPushConsumer first = s.consumer(group, topic, "*");
    first.registerMessageListener(collecting(a));
    DefaultMQPushConsumer second = s.consumer(group, topic, "*");
    second.registerMessageListener(collecting(b));
    DefaultMQProducer producer = s.producer("consumer.clustering");
    try {
      first.start();
      second.start();
      // Rebalance: both members must own two of the four queues before anything is sent.
      try {
        s.waitFor("queues split 2/2 between the two members", () -> assigned(first, topic) == 2 && assigned(second, topic) == 2);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + " (member queues: " + queuesOf(first) + " / " + queuesOf(second) + ")");
      }
      producer.start();
      Set<String> bodies = new HashSet<>();
      for (int i = 0; i < 16; i++) {
        bodies.add("cluster-" + i);
        sendOk(producer.send(new Message(topic, "TagA", bytes("cluster-" + i))), "send");
      }
      s.waitFor("16 messages across the group", () -> {
        Set<String> union = new HashSet<>(a.byBody.keySet());
        union.addAll(b.byBody.keySet());
        return union.containsAll(bodies);
      });
      check(a.count.get() > 0 && b.count.get() > 0, "one member got nothing: " + a.count + "/" + b.count);
      Set<String> both = new HashSet<>(a.byBody.keySet());
      both.retainAll(b.byBody.keySet());
      check(both.isEmpty(), "delivered to both members: " + both);
    } finally {
      shutdownQuietly(first);
      shutdownQuietly(second);
      shutdownQuietly(producer);
    }
  }

  static void consumerBroadcasting(Support s) throws Exception {
    String topic = s.name("T", "consumer.broadcasting");
    String group = s.name("CG", "consumer.broadcasting");
    s.createTopic(topic, 2);
    DefaultMQProducer producer = s.producer("consumer.broadcasting");
    producer.start();
    Received a = new Received();
    Received b = new Received();
    DefaultMQPushConsumer first = s.consumer(group, topic, "*");
    Support.setBroadcasting(first);
    first.registerMessageListener(collecting(a));
    DefaultMQPushConsumer second = s.consumer(group, topic, "*");
    Support.setBroadcasting(second);
    second.registerMessageListener(collecting(b));
    try {
      Set<String> bodies = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        bodies.add("broadcast-" + i);
        sendOk(producer.send(new Message(topic, "TagA", bytes("broadcast-" + i))), "send");
      }
      first.start();
      second.start();
      s.waitFor("every member gets all 6", () -> a.containsAll(bodies) && b.containsAll(bodies));
    } finally {
      shutdownQuietly(first);
      shutdownQuietly(second);
      shutdownQuietly(producer);
    }
  }

  static void consumerTags(Support s) throws Exception {
    String topic = s.name("T", "consumer.tags");
    s.createTopic(topic, 1);
    DefaultMQProducer producer = s.producer("consumer.tags");
    producer.start();
    DefaultMQPushConsumer consumer = null;
    try {
      Set<String> wanted = new HashSet<>();
      for (int round = 0; round < 2; round++) {
        for (String tag : new String[] {"TagC", "TagA", "TagB"}) {
          String body = tag + "-" + round;
          if (!tag.equals("TagC")) wanted.add(body);
          sendOk(producer.send(new Message(topic, tag, bytes(body))), "send " + body);
        }
      }
      Received received = new Received();
      consumer = s.consumer(s.name("CG", "consumer.tags"), topic, "TagA || TagB");
      consumer.registerMessageListener(collecting(received));
      consumer.start();
      s.waitFor("TagA and TagB messages", () -> received.containsAll(wanted));
      for (String body : received.byBody.keySet()) check(!body.startsWith("TagC"), "filtered tag delivered: " + body);
    } finally {
      shutdownQuietly(consumer);
      shutdownQuietly(producer);
    }
  }

  static void consumerRetry(Support s) throws Exception {
    String topic = s.name("T", "consumer.retry");
    s.createTopic(topic, 1);
    DefaultMQProducer producer = s.producer("consumer.retry");
    producer.start();
    DefaultMQPushConsumer consumer = null;
    try {
      SendResult sent = producer.send(new Message(topic, "TagA", "retry-key", bytes("retry-me")));
      sendOk(sent, "send");
      List<MessageExt> deliveries = new CopyOnWriteArrayList<>();
      consumer = s.consumer(s.name("CG", "consumer.retry"), topic, "*");
      List<Long> at = new CopyOnWriteArrayList<>();
      long started = System.currentTimeMillis();
      consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
        MessageExt msg = msgs.get(0);
        deliveries.add(msg);
        at.add(System.currentTimeMillis() - started);
        return msg.getReconsumeTimes() < 2 ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      });
      consumer.start();
      s.waitFor("third delivery", () -> deliveries.size() >= 3);
      Support.note("consumer.retry", "deliveries at +" + at + " ms after consumer start");
      List<Integer> times = new ArrayList<>();
      for (MessageExt msg : deliveries) {
        times.add(msg.getReconsumeTimes());
        check(topic.equals(msg.getTopic()), "redelivery on topic " + msg.getTopic());
        check(sent.getMsgId().equals(msg.getMsgId()), "redelivery changed msgId " + msg.getMsgId());
        check("retry-me".equals(text(msg.getBody())), "redelivery changed the body");
      }
      check(times.subList(0, 3).equals(List.of(0, 1, 2)), "reconsumeTimes " + times);
    } finally {
      shutdownQuietly(consumer);
      shutdownQuietly(producer);
    }
  }

  // ---- lookup and admin -----------------------------------------------------------------------------------

  /**
   * viewMessage(topic, id) first decodes `id` as an offset id (store host + offset) and connects there; a
   * client unique id only falls through to the index lookup because its "port" is out of range. Never let it
   * dial a decoded non-loopback address.
   */
  static boolean decodesToDialableAddress(String id) {
    // MessageDecoder.decodeMessageId: 32 chars = IPv4 (8) + port (8); otherwise IPv6 (32) + port (8).
    boolean ipv4 = id.length() == 32;
    if (!ipv4 && id.length() < 40) return false;
    long port = Long.parseLong(ipv4 ? id.substring(8, 16) : id.substring(32, 40), 16);
    boolean loopback = ipv4 ? id.startsWith("7F") : id.startsWith("00000000000000000000000000000001");
    return port <= 65535 && !loopback;
  }

  static MessageExt viewWithin(Support s, String topic, String id) throws Exception {
    check(!decodesToDialableAddress(id), "id " + id + " would make the admin dial a non-loopback address");
    long deadline = System.currentTimeMillis() + s.checkTimeoutMs;
    Exception last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        MessageExt msg = s.admin().viewMessage(topic, id);
        if (msg != null) return msg;
      } catch (Exception e) {
        last = e; // the index is built asynchronously after the put
      }
      Thread.sleep(200);
    }
    throw new AssertionError("message " + id + " not found: " + last);
  }

  static void lookupById(Support s) throws Exception {
    String topic = s.name("T", "lookup.by-id");
    s.createTopic(topic, 2);
    DefaultMQProducer producer = s.producer("lookup.by-id");
    producer.start();
    try {
      SendResult sent = producer.send(new Message(topic, "TagA", "id-key", bytes("find-me-by-id")));
      sendOk(sent, "send");
      // Offset id (store host + physical offset): VIEW_MESSAGE_BY_ID straight to the broker.
      MessageExt byOffsetId = viewWithin(s, topic, sent.getOffsetMsgId());
      check("find-me-by-id".equals(text(byOffsetId.getBody())), "offset-id lookup body " + text(byOffsetId.getBody()));
      // Client unique id (UNIQ_KEY): QUERY_MESSAGE on the index.
      MessageExt byUniqId = viewWithin(s, topic, sent.getMsgId());
      check("find-me-by-id".equals(text(byUniqId.getBody())), "unique-id lookup body " + text(byUniqId.getBody()));
      check(sent.getMsgId().equals(byUniqId.getMsgId()), "unique-id lookup returned " + byUniqId.getMsgId());
    } finally {
      shutdownQuietly(producer);
    }
  }

  static List<MessageExt> queryByKey(Support s, String topic, String key) throws Exception {
    long deadline = System.currentTimeMillis() + s.checkTimeoutMs;
    Exception last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        QueryResult result = s.admin().queryMessage(topic, key, 32, 0, Long.MAX_VALUE);
        if (result != null && !result.getMessageList().isEmpty()) return result.getMessageList();
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no message with key " + key + ": " + last);
  }

  static void lookupByKey(Support s) throws Exception {
    String topic = s.name("T", "lookup.by-key");
    s.createTopic(topic, 2);
    DefaultMQProducer producer = s.producer("lookup.by-key");
    producer.start();
    try {
      String key = "order-" + s.runId;
      Message msg = new Message(topic, "TagA", bytes("find-me-by-key"));
      msg.setKeys(List.of(key, "second-key"));
      sendOk(producer.send(msg), "send");
      List<MessageExt> found = queryByKey(s, topic, key);
      check(found.size() == 1, "found " + found.size() + " messages by key");
      check("find-me-by-key".equals(text(found.get(0).getBody())), "body " + text(found.get(0).getBody()));
      check(queryByKey(s, topic, "second-key").size() == 1, "second key not indexed");
    } finally {
      shutdownQuietly(producer);
    }
  }

  static void admin(Support s) throws Exception {
    String topic = s.name("T", "admin");
    String group = s.name("CG", "admin");
    // updateTopic / createTopic (UPDATE_AND_CREATE_TOPIC on the broker; it re-registers with the NameServer).
    s.createTopic(topic, 8);
    s.waitFor("topic in the topic list", () -> {
      try {
        return s.admin().fetchAllTopicList().getTopicList().contains(topic);
      } catch (Exception e) {
        return false;
      }
    });
    var route = s.admin().examineTopicRouteInfo(topic);
    check(route.getQueueDatas().size() == 1, "queue datas " + route.getQueueDatas().size());
    check(route.getQueueDatas().get(0).getReadQueueNums() == 8, "read queues " + route.getQueueDatas().get(0).getReadQueueNums());
    check(route.getQueueDatas().get(0).getPerm() == 6, "perm " + route.getQueueDatas().get(0).getPerm());
    check(route.getBrokerDatas().size() == 1 && route.getBrokerDatas().get(0).getBrokerAddrs().get(0L) != null, "broker datas " + route.getBrokerDatas());
    var stats = s.admin().examineTopicStats(topic);
    check(stats.getOffsetTable().size() == 8, "topic stats queues " + stats.getOffsetTable().size());

    DefaultMQProducer producer = s.producer("admin");
    producer.start();
    DefaultMQPushConsumer consumer = null;
    try {
      String key = "admin-" + s.runId;
      Set<String> bodies = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        bodies.add("admin-" + i);
        sendOk(producer.send(new Message(topic, "TagA", key, bytes("admin-" + i))), "send");
      }
      Received received = new Received();
      consumer = s.consumer(group, topic, "*");
      consumer.registerMessageListener(collecting(received));
      consumer.start();
      s.waitFor("6 messages consumed", () -> received.containsAll(bodies));
      // Consumer progress: committed offsets reach the broker offsets (commit piggy-backed on pulls and
      // UPDATE_CONSUMER_OFFSET every persistConsumerOffsetInterval).
      s.waitFor("consume stats caught up", () -> {
        try {
          var consumeStats = s.admin().examineConsumeStats(group);
          long lag = 0;
          int queues = 0;
          for (var entry : consumeStats.getOffsetTable().entrySet()) {
            MessageQueue mq = entry.getKey();
            if (!topic.equals(mq.getTopic())) continue;
            queues++;
            lag += entry.getValue().getBrokerOffset() - entry.getValue().getConsumerOffset();
          }
          return queues == 8 && lag == 0;
        } catch (Exception e) {
          return false;
        }
      });
      // queryMsgByKey
      check(queryByKey(s, topic, key).size() == 6, "query by key did not return the 6 messages");
    } finally {
      shutdownQuietly(consumer);
      shutdownQuietly(producer);
    }
  }

  private Checks() {}
}
