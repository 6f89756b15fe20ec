package dev.rocketnest.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;
import org.apache.rocketmq.common.MQVersion;

/**
 * Interop driver: runs Apache's Java client against a NameServer and prints one line per check,
 * `PASS <name>` or `FAIL <name>: <reason>`, then `driver: N passed, N failed`. Exit 1 on any failure.
 *
 * Usage: Driver -n <host:port> [--timeout-ms N] [--list] [check ...]   (no check names = all checks)
 */
public final class Driver {
  public static void main(String[] args) {
    String namesrv = null;
    long timeoutMs = 60_000;
    List<String> selected = new ArrayList<>();
    Map<String, Checks.Check> checks = Checks.all();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-n":
          namesrv = args[++i];
          break;
        case "--timeout-ms":
          timeoutMs = Long.parseLong(args[++i]);
          break;
        case "--list":
          checks.keySet().forEach(System.out::println);
          return;
        default:
          selected.addAll(Arrays.asList(args[i].split(",")));
      }
    }
    if (namesrv == null) {
      System.err.println("usage: Driver -n <namesrv host:port> [--timeout-ms N] [--list] [check ...]");
      System.exit(2);
    }
    if (selected.isEmpty()) selected.addAll(checks.keySet());
    for (String name : selected) {
      if (!checks.containsKey(name)) {
        System.err.println("unknown check " + name + "; known: " + checks.keySet());
        System.exit(2);
      }
    }
    String runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString((int) (Math.random() * 1296), 36);
    System.out.println("# rocketmq-client " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION)
        + ", serialize " + System.getProperty("rocketmq.serialize.type", "JSON") + ", namesrv " + namesrv + ", run " + runId);
    Support support = new Support(namesrv, runId, timeoutMs);
    int passed = 0;
    int failed = 0;
    StringBuilder timings = new StringBuilder("# timings (ms):");
    for (String name : selected) {
      long started = System.currentTimeMillis();
      String failure = runBounded(checks.get(name), support, timeoutMs + 15_000);
      timings.append(' ').append(name).append('=').append(System.currentTimeMillis() - started);
      if (failure == null) {
        passed++;
        System.out.println("PASS " + name);
      } else {
        failed++;
        System.out.println("FAIL " + name + ": " + failure.replace('\n', ' '));
      }
      System.out.flush();
    }
    support.shutdown();
    System.out.println(timings);
    System.out.println("driver: " + passed + " passed, " + failed + " failed");
    System.out.flush();
    // Client threads of a timed-out check may still run: exit explicitly.
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Runs one check on its own thread; null on success, the reason otherwise. */
  private static String runBounded(Checks.Check check, Support support, long limitMs) {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "check");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Future<?> future = executor.submit(() -> {
        check.run(support);
        return null;
      });
      future.get(limitMs, TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      return "no result within " + limitMs + " ms";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return cause instanceof AssertionError ? cause.getMessage() : String.valueOf(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } finally {
      executor.shutdownNow();
    }
  }

  private Driver() {}
}
