import { Agent } from 'node:http';

const agents = new Map<string, Agent>();

/**
 * An HTTP agent whose connections leave from `address`: on Linux every 127.x.y.z is the loopback
 * interface, so a test can call the app from as many source addresses as it likes, and the app
 * sees each as `request.ip` exactly as it would see a remote caller's. Use with supertest's
 * `.agent(from('127.0.0.2'))`.
 */
export function from(address: string): Agent {
  let agent = agents.get(address);
  if (!agent) {
    agent = new Agent({ localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}
