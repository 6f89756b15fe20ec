package dev.rocketnest.interop;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Shared plumbing of the checks. The source compiles against both the 4.9.x and the 5.x client: classes that
 * moved package between them (TopicRouteData, ConsumeStats, ClusterInfo, MessageModel...) are only reached
 * through `var` or reflection, never imported.
 */
final class Support {
  final String namesrv;
  final String runId;
  final long checkTimeoutMs;
  private final AtomicInteger instanceCounter = new AtomicInteger();
  private DefaultMQAdminExt admin;

  Support(String namesrv, String runId, long checkTimeoutMs) {
    this.namesrv = namesrv;
    this.runId = runId;
    this.checkTimeoutMs = checkTimeoutMs;
  }

  /** Unique resource name for this run: letters, digits, '_' and '-' only (topic name rules). */
  String name(String kind, String check) {
    return kind + "_" + check.replace('.', '_').replace('-', '_') + "_" + runId;
  }

  String instanceName() {
    return "rn-" + runId + "-" + instanceCounter.incrementAndGet();
  }

  synchronized DefaultMQAdminExt admin() throws Exception {
    if (admin == null) {
      DefaultMQAdminExt created = new DefaultMQAdminExt(name("ADMIN", "driver"), 10_000);
      created.setNamesrvAddr(namesrv);
      created.setInstanceName(instanceName());
      created.setVipChannelEnabled(false);
      created.start();
      admin = created;
    }
    return admin;
  }

  /** Informational line (Apache behaviour worth knowing, timings); never a failure. */
  static void note(String check, String text) {
    System.out.println("# note " + check + ": " + text);
  }

  synchronized void shutdown() {
    if (admin != null) admin.shutdown();
    admin = null;
  }

  DefaultMQProducer producer(String check) {
    DefaultMQProducer producer = new DefaultMQProducer(name("PG", check));
    configure(producer);
    producer.setSendMsgTimeout(10_000);
    producer.setRetryTimesWhenSendFailed(2);
    return producer;
  }

  void configure(org.apache.rocketmq.client.ClientConfig client) {
    client.setNamesrvAddr(namesrv);
    client.setInstanceName(instanceName());
    client.setVipChannelEnabled(false);
    client.setClientIP("127.0.0.1");
    client.setPollNameServerInterval(2_000);
    client.setHeartbeatBrokerInterval(5_000);
    client.setPersistConsumerOffsetInterval(1_000);
  }

  DefaultMQPushConsumer consumer(String group, String topic, String subExpression) throws Exception {
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
    configure(consumer);
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.setConsumeMessageBatchMaxSize(1);
    consumer.setConsumeThreadMin(2);
    consumer.setConsumeThreadMax(4);
    consumer.subscribe(topic, subExpression);
    return consumer;
  }

  /** MessageModel moved package in 5.0 (common.protocol.heartbeat -> remoting.protocol.heartbeat). */
  static void setBroadcasting(DefaultMQPushConsumer consumer) throws Exception {
    for (Method method : DefaultMQPushConsumer.class.getMethods()) {
      if (method.getName().equals("setMessageModel") && method.getParameterCount() == 1) {
        Class<?> type = method.getParameterTypes()[0];
        for (Object constant : type.getEnumConstants()) {
          if (((Enum<?>) constant).name().equals("BROADCASTING")) {
            method.invoke(consumer, constant);
            return;
          }
        }
      }
    }
    throw new IllegalStateException("no setMessageModel(BROADCASTING) on this client");
  }

  /** Master addresses of every broker known to the NameServer. */
  List<String> masterAddrs() throws Exception {
    var clusterInfo = admin().examineBrokerClusterInfo();
    List<String> addrs = new ArrayList<>();
    for (var brokerData : clusterInfo.getBrokerAddrTable().values()) {
      String master = brokerData.getBrokerAddrs().get(0L);
      if (master != null) addrs.add(master);
    }
    if (addrs.isEmpty()) throw new IllegalStateException("no master broker registered on " + namesrv);
    return addrs;
  }

  /** Creates the topic on every master and waits until the NameServer routes it. */
  void createTopic(String topic, int queues) throws Exception {
    for (String addr : masterAddrs()) {
      TopicConfig config = new TopicConfig(topic, queues, queues, 6);
      admin().createAndUpdateTopicConfig(addr, config);
    }
    waitFor("route of " + topic, () -> {
      try {
        var route = admin().examineTopicRouteInfo(topic);
        return route != null && !route.getQueueDatas().isEmpty()
            && route.getQueueDatas().get(0).getWriteQueueNums() == queues;
      } catch (Exception e) {
        return false;
      }
    });
  }

  /** Polls until the condition holds; throws when the check's time budget is spent. */
  void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    waitFor(what, condition, checkTimeoutMs);
  }

  static void waitFor(String what, BooleanSupplier condition, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  static void check(boolean condition, String message) {
    if (!condition) throw new AssertionError(message);
  }

  static void shutdownQuietly(Object client) {
    try {
      if (client instanceof DefaultMQPushConsumer) ((DefaultMQPushConsumer) client).shutdown();
      else if (client instanceof DefaultMQProducer) ((DefaultMQProducer) client).shutdown();
    } catch (RuntimeException e) {
      System.err.println("# shutdown failed: " + e);
    }
  }
}
