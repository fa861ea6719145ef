# docker-tutor: one image for the bot processes and the workers (the command picks which).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY prompts ./prompts
COPY tsconfig.json ./
USER node
ENTRYPOINT ["./bin/docker-tutor"]
CMD ["worker"]
